"""The printable, easy-read version of an open decision: what it says, and who may read it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags

from projects.models import Gate
from projects.services import gates
from tests.gate_helpers import closed_gate, made_open_gate

pytestmark = pytest.mark.django_db

PUBLIC = "https://coproduce.example.org"


def page_text(response: Any) -> str:
    """The page's words as one line, as a reader meets them."""
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def easy_read_url(gate: Gate) -> str:
    return reverse("projects:gate_easy_read", kwargs={"slug": gate.project.slug, "pk": gate.pk})


@pytest.fixture
def open_decision(project) -> Gate:
    return made_open_gate(project)


def test_the_easy_read_page_gives_the_proposal_the_choices_and_three_ways_to_vote(
    client: Client, settings, open_decision, expert2
):
    settings.SITE_URL = PUBLIC
    settings.SMS_FROM = "+447700900123"
    client.force_login(expert2)
    response = client.get(easy_read_url(open_decision))
    assert response.status_code == 200
    text = page_text(response)
    assert open_decision.proposal in text
    assert open_decision.what_changes in text
    for choice in ("Approve", "Object", "Abstain"):
        assert choice in text
    assert "You do not agree. You must say why." in text
    code = open_decision.text_code
    assert f"Send a text to {settings.SMS_FROM}." in text
    assert f"NO {code} too far from the bus" in text
    assert f"YES {code}" in text and f"PASS {code}" in text
    assert "By phone or in person, with help" in text
    # The member reads the code to the person helping; a reply by text would not confirm it.
    assert "read the code to them. Do not reply to the message." in text
    assert "Then we send you a code by text or email." in text
    # Texts only count from a number we already text: the printout says so.
    assert "This only works from the mobile number we text you on." in text
    assert f"{PUBLIC}{open_decision.get_absolute_url()}" in text


def test_without_a_text_number_the_page_says_to_reply_to_the_voting_text(
    client: Client, settings, open_decision, expert2
):
    settings.SMS_FROM = ""
    client.force_login(expert2)
    text = page_text(client.get(easy_read_url(open_decision)))
    assert "Reply to the text we sent you about this decision." in text
    assert "Send a text to" not in text


def test_the_decision_page_links_to_the_easy_read_version_while_voting_is_open(
    client: Client, open_decision, expert2
):
    client.force_login(expert2)
    body = client.get(open_decision.get_absolute_url()).content.decode()
    assert "Print an easy-read version" in body
    assert easy_read_url(open_decision) in body


def test_every_member_may_read_it_and_an_outsider_finds_nothing(
    client: Client, open_decision, commissioner, practitioner2, outsider
):
    target = easy_read_url(open_decision)
    assert client.get(target).status_code == 302
    for member in (commissioner, practitioner2):
        client.force_login(member)
        assert client.get(target).status_code == 200
    client.force_login(outsider)
    assert client.get(target).status_code == 404


def test_a_closed_decision_has_no_easy_read_version_and_no_link(client: Client, project, expert2):
    gate = closed_gate(project, passed=True)
    client.force_login(expert2)
    response = client.get(easy_read_url(gate))
    assert response.status_code == 404
    text = page_text(response)
    assert "There is no easy-read version of this decision" in text
    assert gate.text_code not in text
    assert "Print an easy-read version" not in client.get(gate.get_absolute_url()).content.decode()


def test_a_draft_has_no_easy_read_version(client: Client, project, practitioner):
    draft = gates.draft_gate(
        project=project, actor=practitioner, proposal="Move on.", what_changes="More hours."
    )
    client.force_login(practitioner)
    response = client.get(easy_read_url(draft))
    assert response.status_code == 404
    assert draft.proposal not in page_text(response)
