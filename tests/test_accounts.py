"""Accounts: sign-up with email verification, password reset, login by code, MFA for staff."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client
from django.urls import reverse

from coproduce.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-password-77"


def first_link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert match, body
    return match.group(1)


def sign_up(client: Client, email: str = "newperson@example.org") -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": email,
            "display_name": "Nia",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()


def test_sign_up_sends_a_verification_email_and_keeps_the_person_signed_out(client: Client):
    sign_up(client)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newperson@example.org"]
    assert "/accounts/confirm-email/" in str(mail.outbox[0].body)
    user = User.objects.get(email="newperson@example.org")
    assert user.display_name == "Nia"
    assert not EmailAddress.objects.get(user=user).verified
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_unverified_account_cannot_sign_in_until_the_link_is_followed(client: Client):
    sign_up(client)
    link = first_link(str(mail.outbox[0].body))

    response = client.post(
        reverse("account_login"), {"login": "newperson@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("dashboard")).status_code == 302

    assert client.get(link).status_code == 200
    client.post(link)
    assert EmailAddress.objects.get(email="newperson@example.org").verified

    response = client.post(
        reverse("account_login"), {"login": "newperson@example.org", "password": PASSWORD}
    )
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


def test_verification_link_does_nothing_on_a_plain_visit(client: Client):
    sign_up(client)
    client.get(first_link(str(mail.outbox[0].body)))
    assert not EmailAddress.objects.get(email="newperson@example.org").verified


def test_password_reset_works_end_to_end(client: Client, user):
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    link = first_link(str(mail.outbox[0].body))

    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.login(email=user.email, password=NEW_PASSWORD)


def test_password_reset_for_an_unknown_email_reveals_nothing(client: Client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    # allauth tells the address there is no account, without telling the requester.
    assert len(mail.outbox) <= 1


def test_login_by_emailed_code_signs_the_person_in(client: Client, user):
    response = client.post(reverse("account_request_login_code"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    code = re.search(r"^\s*(\d{3} \d{3})\s*$", str(mail.outbox[0].body), re.MULTILINE)
    assert code, str(mail.outbox[0].body)

    response = client.post(response["Location"], {"code": code.group(1)})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_login_by_code_refuses_a_wrong_code(client: Client, user):
    response = client.post(reverse("account_request_login_code"), {"email": user.email})
    response = client.post(response["Location"], {"code": "WRONG1"})
    assert response.status_code == 200
    assert client.get(reverse("dashboard")).status_code == 302


def test_staff_without_mfa_are_sent_to_set_it_up(client: Client, staff):
    client.force_login(staff)
    for url in (reverse("dashboard"), reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password again before MFA changes; that page must stay reachable.
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert response.request["PATH_INFO"] == reverse("mfa_activate_totp")
    assert b"authenticator" in response.content.lower()


def test_staff_with_mfa_reach_the_admin(client: Client, staff):
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_members_who_are_not_staff_are_not_asked_for_mfa(client: Client, expert):
    client.force_login(expert)
    assert client.get(reverse("dashboard")).status_code == 200


def test_admin_sign_in_goes_through_the_site_sign_in_page(client: Client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "url_name",
    ["account_login", "account_signup", "account_reset_password", "account_request_login_code"],
)
def test_account_pages_use_the_site_layout(client: Client, url_name: str):
    html = client.get(reverse(url_name)).content.decode()
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert 'name="viewport"' in html


# An address Django's own check lets through (at most 320 characters) but no column can keep.
LONG_EMAIL = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".org"
TOO_LONG = "This email address is too long: an address has at most 254 characters."


def refused_with_message(response) -> None:
    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()


def test_an_over_long_email_address_is_refused_at_sign_up_not_cut_short(client: Client):
    assert 254 < len(LONG_EMAIL) <= 320
    response = client.post(
        reverse("account_signup"),
        {
            "email": LONG_EMAIL,
            "display_name": "Nia",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    refused_with_message(response)
    assert not User.objects.exists()
    assert not mail.outbox


def test_an_over_long_email_address_is_refused_on_the_account_email_page(client: Client, user):
    client.force_login(user)
    response = client.post(reverse("account_email"), {"email": LONG_EMAIL, "action_add": ""})
    refused_with_message(response)
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [
        user.email
    ]


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("account_login", {"login": LONG_EMAIL, "password": PASSWORD}),
        ("account_reset_password", {"email": LONG_EMAIL}),
        ("account_request_login_code", {"email": LONG_EMAIL}),
    ],
)
def test_an_over_long_email_address_is_refused_on_every_sign_in_form(
    client: Client, url_name: str, data: dict[str, str]
):
    refused_with_message(client.post(reverse(url_name), data))
    assert not mail.outbox


def test_a_mistyped_email_address_gets_one_plain_message(client: Client):
    response = client.post(reverse("account_reset_password"), {"email": "name@"})
    assert response.status_code == 200
    assert "Enter a full email address, like name@example.org." in response.content.decode()
