"""Consent per purpose: a dated history of yes and no, the current state from the latest, and
what a "no" stops (access needs deleted, words left out of the evidence pack)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participation.models import Consent, Contribution, Purpose, has_consent, quotable
from participation.services.consent import decide
from projects.models import Choice, Vote
from tests.error_pattern import assert_error_page, summary_of
from tests.gate_helpers import closed_gate

pytestmark = pytest.mark.django_db

MINE = reverse("consent:mine")
ALL_YES = {purpose.value: "yes" for purpose in Purpose}


def test_giving_and_withdrawing_keeps_a_dated_history_and_the_latest_counts(expert2):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        decide(user=expert2, choices={Purpose.SURVEYS: True})
    with time_machine.travel(start + timedelta(days=3), tick=False):
        decide(user=expert2, choices={Purpose.SURVEYS: False})
    history = list(Consent.objects.filter(user=expert2).order_by("at"))
    assert [(row.given, row.at) for row in history] == [
        (True, start),
        (False, start + timedelta(days=3)),
    ]
    assert not has_consent(expert2.pk, Purpose.SURVEYS)


def test_the_same_choices_sent_twice_record_nothing_new(client: Client, expert2):
    client.force_login(expert2)
    client.post(MINE, ALL_YES)
    client.post(MINE, ALL_YES)
    assert Consent.objects.filter(user=expert2).count() == len(Purpose)


def test_a_first_no_is_recorded_and_counts(project, expert2):
    """The reported fault: a "no" to something never answered before left no row, so a person
    who said no to being quoted (or to surveys) at once was still quoted (or asked)."""
    Contribution.objects.create(project=project, author=expert2, stage="design", body="x")
    written = decide(user=expert2, choices={Purpose.QUOTING: False, Purpose.SURVEYS: False})
    assert [(row.purpose, row.given) for row in written] == [
        (Purpose.QUOTING, False),
        (Purpose.SURVEYS, False),
    ]
    assert Consent.objects.current(expert2.pk) == {"quoting": False, "surveys": False}
    assert not quotable(Contribution.objects.all()).exists()


def test_a_first_no_sent_twice_is_recorded_once(client: Client, expert2):
    client.force_login(expert2)
    client.post(MINE, {"quoting": "no"})
    client.post(MINE, {"quoting": "no"})
    assert Consent.objects.filter(user=expert2).count() == 1


def test_the_page_shows_each_purpose_in_plain_words_and_the_history(client: Client, expert2):
    client.force_login(expert2)
    client.post(MINE, {**ALL_YES, "quoting": "no"})
    page = client.get(MINE).content.decode()
    assert "Only you and the co-leads of your projects can see it." in page
    assert "reports leave your words out" in page
    assert "you said yes" in page


def test_a_wrong_answer_comes_back_with_the_error_pattern_and_saves_nothing(client, expert2):
    client.force_login(expert2)
    response = client.post(MINE, {**ALL_YES, "surveys": "maybe"})
    html = assert_error_page(response, field_id="id_surveys_0")
    assert "Choose yes or no: Do you agree that we may send you evaluation surveys?" in (
        summary_of(html)
    )
    assert not Consent.objects.exists()


def test_withdrawing_one_thing_does_not_need_the_other_questions_answered(client, expert2):
    """The reported dead end: saying no to keeping access needs was refused until the survey
    question, never asked before, had an answer too."""
    from participation.models import AccessNeeds, Purpose
    from participation.services.access import save_access_needs

    save_access_needs(user=expert2, consent_given=True, easy_read=True)
    client.force_login(expert2)
    response = client.post(MINE, {"access_needs": "no"})
    assert response.status_code == 302
    assert not AccessNeeds.objects.filter(user=expert2).exists()
    assert not Consent.objects.filter(user=expert2, purpose=Purpose.SURVEYS).exists()


def test_the_consent_page_needs_sign_in(client: Client):
    assert client.get(MINE).status_code == 302


def test_quotable_leaves_out_the_words_of_people_who_said_no(project, expert, expert2):
    for author in (expert, expert2):
        Contribution.objects.create(project=project, author=author, stage="design", body="x")
    decide(user=expert2, choices={Purpose.QUOTING: True})
    decide(user=expert2, choices={Purpose.QUOTING: False})
    kept = quotable(Contribution.objects.all())
    assert [c.author for c in kept] == [expert]


def test_the_evidence_pack_leaves_out_the_reason_of_someone_who_said_no_to_quoting(
    client: Client, project, commissioner, expert2, practitioner2
):
    gate = closed_gate(project, passed=True, signoff_required=True)
    Vote.objects.create(gate=gate, voter=expert2, choice=Choice.OBJECT, reason="Quiet worry")
    Vote.objects.create(gate=gate, voter=practitioner2, choice=Choice.OBJECT, reason="Costs")
    decide(user=expert2, choices={Purpose.QUOTING: False, Purpose.TAKING_PART: True})
    decide(user=expert2, choices={Purpose.QUOTING: True})
    decide(user=expert2, choices={Purpose.QUOTING: False})
    client.force_login(commissioner)
    url = reverse("projects:gate_signoff", kwargs={"slug": project.slug, "pk": gate.pk})
    page = client.get(url).content.decode()
    assert "Quiet worry" not in page
    assert "they asked not to be quoted in reports" in page
    assert "Costs" in page


def test_someone_never_asked_about_quoting_is_quoted(project, expert):
    Contribution.objects.create(project=project, author=expert, stage="design", body="x")
    assert quotable(Contribution.objects.all()).count() == 1


def test_choices_sent_after_the_session_ended_are_offered_back_after_sign_in(
    client: Client, expert2
):
    client.force_login(expert2)
    client.get(MINE)
    client.cookies.pop(settings.SESSION_COOKIE_NAME)  # the session runs out
    response = client.post(MINE, {**ALL_YES, "quoting": "no"})
    assert response.status_code == 302 and not Consent.objects.exists()
    client.force_login(expert2)
    page = client.get(MINE).content.decode()
    assert "You were signed out before this was sent" in page
    assert re.search(r'value="no"[^>]*id="id_quoting_1"[^>]*checked', page)
