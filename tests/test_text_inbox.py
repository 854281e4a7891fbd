"""The co-leads' "Texts to look at" page: texts from members that the service could not act
on, shown with the member's name (never their number) until a co-lead marks them as dealt with."""

from __future__ import annotations

from itertools import count
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.dates import moment
from participation.models import InboundText, TextOutcome
from projects import services
from projects.models import Event, Gate, GateStatus, Project, Role
from tests.gate_helpers import made_open_gate

pytestmark = pytest.mark.django_db

NUMBER = "+447700900123"
message_ids = count(1)


def text_in(
    project: Project,
    sender: Any,
    body: str = "what is this about",
    outcome: str = TextOutcome.NOT_UNDERSTOOD,
) -> InboundText:
    text = InboundText.objects.create(
        provider="fake",
        message_id=f"m{next(message_ids)}",
        sender=NUMBER,
        body=body,
        user=sender,
        outcome=outcome,
        reply="Sorry, we did not understand. Reply YES, NO or PASS with the code.",
    )
    text.projects.add(project)
    return text


def list_url(project: Project) -> str:
    return reverse("text_inbox:list", kwargs={"slug": project.slug})


def dealt_with_url(text: InboundText, project: Project) -> str:
    return reverse("text_inbox:dealt_with", kwargs={"slug": project.slug, "pk": text.pk})


def test_a_co_lead_reads_who_sent_each_text_when_its_words_and_our_answer(
    client: Client, project, practitioner, expert2
):
    text_in(project, expert2, body="I cant get there on tuesdays")
    client.force_login(practitioner)
    response = client.get(list_url(project))
    assert response.status_code == 200
    body = response.content.decode()
    assert "1 text to look at." in body
    assert "From Eli" in body
    assert "I cant get there on tuesdays" in body
    assert "Sorry, we did not understand." in body
    assert "Not understood" in body
    assert NUMBER not in body
    # Each button names its text by sender and time, so two from one person differ.
    text = InboundText.objects.get()
    assert 'the text from Eli received <time datetime="' in body
    assert f"{moment(text.received_at)}</time></span></button>" in body


def test_while_its_decision_is_open_a_texts_words_are_hidden_as_they_may_say_how_they_voted(
    client: Client, project, practitioner, expert2
):
    gate = made_open_gate(project)
    text = text_in(project, expert2, body="NO 999 too far", outcome=TextOutcome.REFUSED)
    InboundText.objects.filter(pk=text.pk).update(gate=gate)
    client.force_login(practitioner)
    body = client.get(list_url(project)).content.decode()
    assert "From Eli" in body and "Vote refused" in body
    assert "too far" not in body and "Sorry, we did not understand" not in body
    assert "Hidden until voting closes" in body
    Gate.objects.filter(pk=gate.pk).update(status=GateStatus.CLOSED, passed=False)
    assert "too far" in client.get(list_url(project)).content.decode()


def test_only_co_leads_see_the_texts(
    client: Client, project, expert, expert2, practitioner2, commissioner, outsider
):
    text_in(project, expert2)
    target = list_url(project)
    assert client.get(target).status_code == 302
    client.force_login(outsider)
    assert client.get(target).status_code == 404
    for member in (expert2, practitioner2, commissioner):
        client.force_login(member)
        refused = client.get(target)
        assert refused.status_code == 403
        # Said in the page's own words, not "... manage its members".
        assert "read the texts people sent to it" in refused.content.decode()
    client.force_login(expert)  # the co-lead from the experts by experience
    assert client.get(target).status_code == 200


def test_only_co_leads_may_mark_a_text_as_dealt_with(
    client: Client, project, expert2, practitioner2, outsider
):
    text = text_in(project, expert2)
    target = dealt_with_url(text, project)
    client.force_login(outsider)
    assert client.post(target).status_code == 404
    client.force_login(practitioner2)
    assert client.post(target).status_code == 403
    client.force_login(expert2)
    assert client.get(target)["Location"] == list_url(project)  # to the list, marking nothing
    text.refresh_from_db()
    assert text.dealt_with_at is None


def test_marking_a_text_as_dealt_with_twice_is_harmless(
    client: Client, project, practitioner, expert, expert2
):
    text = text_in(project, expert2)
    events = Event.objects.count()
    client.force_login(practitioner)
    first = client.post(dealt_with_url(text, project), follow=True)
    assert "Marked as dealt with." in first.content.decode()
    text.refresh_from_db()
    marked_at, marked_by = text.dealt_with_at, text.dealt_with_by
    assert marked_at is not None and marked_by == practitioner

    client.force_login(expert)  # a second co-lead, in another tab
    second = client.post(dealt_with_url(text, project), follow=True)
    assert "already marked as dealt with" in second.content.decode()
    text.refresh_from_db()
    assert (text.dealt_with_at, text.dealt_with_by) == (marked_at, marked_by)
    assert "There are no texts to look at." in second.content.decode()
    # Nothing personal goes into the history every member reads.
    assert Event.objects.count() == events


def test_texts_sent_about_another_project_are_never_shown(
    client: Client, project, practitioner, expert2, user_factory
):
    other = services.create_project(
        creator=practitioner,
        title="Evening drop-in",
        summary="Open late.",
        creator_role=Role.PRACTITIONER,
    )
    stranger = user_factory(display_name="Quinn")
    services.add_member(
        project=other, user=stranger, role=Role.EXPERT_BY_EXPERIENCE, actor=practitioner
    )
    elsewhere = text_in(other, stranger, body="about the evening drop-in")
    text_in(project, expert2, body="about housing")
    client.force_login(practitioner)
    body = client.get(list_url(project)).content.decode()
    assert "about housing" in body
    assert "about the evening drop-in" not in body and "Quinn" not in body
    assert client.post(dealt_with_url(elsewhere, project)).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.dealt_with_at is None


def test_texts_the_service_acted_on_are_not_on_the_list(
    client: Client, project, practitioner, expert2
):
    text_in(project, expert2, body="YES 001", outcome=TextOutcome.VOTED)
    client.force_login(practitioner)
    body = client.get(list_url(project)).content.decode()
    assert "YES 001" not in body
    assert "There are no texts to look at." in body


def test_the_project_page_tells_co_leads_how_many_texts_wait(
    client: Client, project, practitioner, expert2
):
    client.force_login(practitioner)
    assert "Texts to look at" not in client.get(project.get_absolute_url()).content.decode()
    text_in(project, expert2)
    text_in(project, expert2)
    body = client.get(project.get_absolute_url()).content.decode()
    assert "Members sent 2 texts that the service could not act on." in body
    assert list_url(project) in body
    client.force_login(expert2)
    assert "Texts to look at" not in client.get(project.get_absolute_url()).content.decode()


def test_the_texts_page_takes_the_same_queries_for_three_texts_as_for_a_full_page(
    client: Client, project, practitioner, join, django_assert_max_num_queries
):
    senders = [join(project, Role.EXPERT_BY_EXPERIENCE) for _ in range(30)]
    for sender in senders[:3]:
        text_in(project, sender)
    client.force_login(practitioner)
    client.get(list_url(project))  # a first request warms per-process caches
    with django_assert_max_num_queries(8) as few:
        client.get(list_url(project))
    for sender in senders[3:]:
        text_in(project, sender)
    with django_assert_max_num_queries(len(few)):
        response = client.get(list_url(project))
    assert "30 texts to look at." in response.content.decode()
    assert response.content.decode().count("Mark as dealt with") == 25
