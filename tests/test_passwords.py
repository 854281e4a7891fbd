"""The password rules and refusals are Django's checks in plain words."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError

from coproduce.models import User
from tests.reading import PLAIN_ENGLISH, reading_of


def test_the_password_rules_read_as_plain_english() -> None:
    rules = password_validators_help_texts()
    assert rules == [
        "Use at least 8 characters.",
        "Do not use only numbers.",
        "Do not use a password that lots of people use.",
        "Do not use your name or email address.",
    ]
    html = "<main>" + "".join(f"<p>{rule}</p>" for rule in rules) + "</main>"
    assert reading_of(html).ease >= PLAIN_ENGLISH


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("b7k", "This password is too short. Use at least 8 characters."),
        ("20261204", "This password is only numbers. Add some letters."),
        ("password", "Lots of people use this password. Try something else."),
        ("maya.rahman", "This password is too like your email address. Try something else."),
    ],
)
def test_each_refusal_says_what_to_do_instead(password: str, message: str) -> None:
    person = User(email="maya.rahman@example.org", display_name="Maya")
    with pytest.raises(ValidationError) as refusal:
        validate_password(password, user=person)
    assert message in refusal.value.messages


@pytest.mark.parametrize(
    ("person", "password", "message"),
    [
        (User(display_name="Pat Okafor"), "patokafor", "This password is too like your name."),
        (
            User(display_name="Pat", email="maya.rahman@example.org"),
            "maya.rahman",
            "This password is too like your email address.",
        ),
        (
            User(phone="+447700900123"),
            "+447700900123",
            "This password is too like your mobile number.",
        ),
    ],
)
def test_a_password_like_the_name_address_or_number_is_refused_as_the_rules_say(
    person: User, password: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refusal:
        validate_password(password, user=person)
    assert f"{message} Try something else." in refusal.value.messages
