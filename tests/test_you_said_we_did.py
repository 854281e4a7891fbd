"""You said, we did: each idea, comment, concern and gate objection can get one response that
says what happened (done, partly done, not done) and what was done or why not; the person who
raised it is told; each stage shows how many from each group have a response."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participation.models import (
    Contribution,
    ContributionKind,
    ContributionResponse,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
)
from participation.services import contributions, outbox
from projects.models import Choice, Event, EventKind, ObjectionResponse, Role, Stage, Vote
from projects.responses import answered_by_stage
from projects.services import gates, guards
from tests.error_pattern import assert_error_page, summary_of
from tests.gate_helpers import objection_after_close, open_gate
from tests.participation_fixtures import use_locmem_sms

pytestmark = pytest.mark.django_db


def ideas_url(project) -> str:
    return reverse("contributions:list", args=[project.slug])


def respond_url(project, item) -> str:
    return reverse("contributions:respond", args=[project.slug, item.pk])


def idea_by(project, author, body="Open on Sundays.", kind=ContributionKind.IDEA):
    return Contribution.objects.create(
        project=project, author=author, stage=project.stage, kind=kind, body=body
    )


def told(kind="response_recorded") -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=kind).order_by("pk"))


# --- Recording a response ---------------------------------------------------------------------


def test_a_response_without_what_happened_comes_back_with_the_words_kept(
    client, project, practitioner, expert2
):
    idea = idea_by(project, expert2)
    client.force_login(practitioner)
    page = client.post(respond_url(project, idea), {"body": "We asked the landlord."})
    html = assert_error_page(
        page, field_id=f"respond-{idea.pk}-outcome_0", kept="We asked the landlord."
    )
    assert "Choose what happened: done, partly done or not done." in summary_of(html)
    assert not ContributionResponse.objects.exists()
    assert not told()


def test_an_objection_response_without_what_happened_comes_back_with_the_words_kept(
    client, project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    objection = objection_after_close(gate, [expert, practitioner, practitioner2], expert2)
    client.force_login(practitioner)
    target = reverse("projects:objection_respond", args=[project.slug, gate.pk, objection.pk])
    page = client.post(target, {"outcome": "maybe", "body": "We costed it again."})
    assert_error_page(
        page, field_id=f"response-{objection.pk}-outcome_0", kept="We costed it again."
    )
    assert not ObjectionResponse.objects.exists()


def test_a_double_tap_records_one_response_logs_once_and_tells_the_writer_once(
    client: Client, project, practitioner, expert2, mailoutbox, django_capture_on_commit_callbacks
):
    idea = idea_by(project, expert2)
    client.force_login(practitioner)
    data = {"outcome": "partly_done", "body": "We open on Sundays in summer."}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(respond_url(project, idea), data)
        client.post(respond_url(project, idea), data)
    response = ContributionResponse.objects.get()
    assert (response.outcome, response.version) == ("partly_done", 1)
    assert Event.objects.filter(kind=EventKind.RESPONSE_RECORDED).count() == 1
    assert [m.user for m in told()] == [expert2]
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [expert2.email]
    assert "What happened: partly done." in email.body
    assert "What we did: We open on Sundays in summer." in email.body
    assert f"/ideas/#contribution-{idea.pk}" in email.body


def test_a_changed_response_is_a_new_version_logged_as_a_change_and_told_again(
    project, practitioner, expert2
):
    idea = idea_by(project, expert2)
    contributions.respond(contribution=idea, responder=practitioner, body="Soon.", outcome="done")
    changed = contributions.respond(
        contribution=idea, responder=practitioner, body="Not this year.", outcome="not_done"
    )
    assert changed.version == 2 and changed.words_heading == "Why not"
    summaries = list(
        Event.objects.filter(kind=EventKind.RESPONSE_RECORDED)
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries[0].endswith("responded to Eli's idea: done.")
    assert summaries[1].endswith("changed the response to Eli's idea: not done.")
    assert [m.occasion for m in told()] == [
        f"response:contribution:{idea.pk}:v1",
        f"response:contribution:{idea.pk}:v2",
    ]


def test_a_message_for_a_response_changed_since_is_not_sent(
    project, practitioner, expert2, mailoutbox
):
    idea = idea_by(project, expert2)
    contributions.respond(contribution=idea, responder=practitioner, body="Soon.", outcome="done")
    contributions.respond(
        contribution=idea, responder=practitioner, body="Not yet.", outcome="not_done"
    )
    first, second = told()
    outbox.deliver_many([first.pk, second.pk])
    first.refresh_from_db()
    assert first.status == OutboxStatus.SKIPPED
    assert len(mailoutbox) == 1 and "Why not: Not yet." in mailoutbox[0].body


def test_the_writer_is_told_by_the_channel_they_chose(
    project, practitioner, expert2, settings, mailoutbox, django_capture_on_commit_callbacks
):
    texts = use_locmem_sms(settings)
    expert2.phone = "07700900123"
    expert2.save()
    NotificationPreference.objects.create(user=expert2, channel="sms")
    idea = idea_by(project, expert2)
    with django_capture_on_commit_callbacks(execute=True):
        contributions.respond(
            contribution=idea, responder=practitioner, body="Done.", outcome="done"
        )
    assert [t.to for t in texts] == ["07700900123"]
    assert "has a response (done)" in texts[0].body
    assert mailoutbox == []


def test_a_writer_who_switched_responses_off_is_not_told(project, practitioner, expert2):
    NotificationPreference.objects.create(user=expert2, responses=False)
    contributions.respond(
        contribution=idea_by(project, expert2), responder=practitioner, body="Ok.", outcome="done"
    )
    assert not told()


def test_a_co_lead_answering_their_own_idea_is_not_told_about_it(project, practitioner):
    idea = idea_by(project, practitioner)
    contributions.respond(contribution=idea, responder=practitioner, body="Ok.", outcome="done")
    assert ContributionResponse.objects.exists()
    assert not told()


def test_the_objector_is_told_once_of_the_response_to_their_objection(
    project, practitioner, practitioner2, expert, expert2, mailoutbox
):
    gate = open_gate(project, practitioner, expert)
    objection = objection_after_close(gate, [expert, practitioner, practitioner2], expert2)
    for _ in range(2):
        gates.respond_to_objection(
            objection=objection, actor=practitioner, body="We costed it.", outcome="done"
        )
    messages = told()
    assert [(m.user, m.occasion) for m in messages] == [
        (expert2, f"response:vote:{objection.pk}:v1")
    ]
    outbox.deliver_many([messages[0].pk])
    assert f"#objection-{objection.pk}" in mailoutbox[-1].body
    assert "Cost" in mailoutbox[-1].body  # what they said, quoted back to them


def test_a_response_recorded_before_outcomes_were_asked_says_neither_done_nor_not_done(
    client: Client, project, practitioner, expert2
):
    idea = idea_by(project, expert2)
    ContributionResponse.objects.create(contribution=idea, body="We will look at it.")
    client.force_login(expert2)
    html = client.get(ideas_url(project)).content.decode()
    assert "Our response:" in html and "What happened:" not in html


# --- How many have a response, per stage and group --------------------------------------------


def test_each_stage_counts_answered_items_per_group_with_gate_objections_included(
    client: Client, project, practitioner, practitioner2, expert, expert2
):
    # open_gate adds expert's contribution in design; the objection by expert2 is answered.
    gate = open_gate(project, practitioner, expert)
    objection = objection_after_close(gate, [expert, practitioner, practitioner2], expert2)
    gates.respond_to_objection(
        objection=objection, actor=practitioner, body="Costed.", outcome="partly_done"
    )
    idea_by(project, practitioner2)
    rows = answered_by_stage(project)
    assert [row.stage for row in rows] == [Stage.DESIGN]
    assert [group.summary for group in rows[0].groups] == [
        "Experts by experience: 1 of 2 answered",
        "Practitioners: 0 of 1 answered",
    ]
    client.force_login(expert2)
    for page in (ideas_url(project), reverse("projects:detail", args=[project.slug])):
        html = client.get(page).content.decode()
        assert "Experts by experience: 1 of 2 answered" in html
        assert "Practitioners: 0 of 1 answered" in html


def test_a_commissioners_comment_is_counted_as_theirs_not_a_voting_groups(
    project, commissioner, expert2
):
    idea_by(project, commissioner, kind=ContributionKind.COMMENT)
    idea_by(project, expert2)
    [row] = answered_by_stage(project)
    assert [group.summary for group in row.groups] == [
        "Experts by experience: 0 of 1 answered",
        "Practitioners: nothing raised",
        "Commissioners: 0 of 1 answered",
    ]


@pytest.mark.parametrize("size", [2, 20])
def test_the_ideas_page_keeps_its_query_budget_with_responses_and_counts(
    client: Client, project, practitioner, join, django_assert_max_num_queries, size
):
    for n in range(size):
        author = join(project, Role.EXPERT_BY_EXPERIENCE if n % 2 else Role.PRACTITIONER)
        idea = idea_by(project, author, body=f"Idea {n}")
        if n % 3 == 0:
            contributions.respond(
                contribution=idea, responder=practitioner, body="Yes.", outcome="done"
            )
    client.force_login(practitioner)
    with django_assert_max_num_queries(10):
        html = client.get(ideas_url(project)).content.decode()
    answered = len(range(0, size, 3))
    assert html.count("What happened:") == answered


# --- The guard "objections answered" ----------------------------------------------------------


def test_an_unanswered_concern_raised_in_the_stage_holds_the_next_decision_until_answered(
    project, practitioner, expert2
):
    concern = idea_by(project, expert2, body="It is too far.", kind=ContributionKind.OBJECTION)

    def passed() -> bool:
        checks = guards.check_proposal(
            project, from_stage=project.stage, proposed_at=concern.created_at
        )
        return next(c.passed for c in checks if c.code == "objections_answered")

    assert not passed()
    contributions.respond(
        contribution=concern, responder=practitioner, body="No bus money.", outcome="not_done"
    )
    assert passed()  # "not done, and why" answers it


def test_an_idea_without_a_response_does_not_hold_the_next_decision(project, expert2):
    idea = idea_by(project, expert2)
    checks = guards.check_proposal(project, from_stage=project.stage, proposed_at=idea.created_at)
    assert next(c.passed for c in checks if c.code == "objections_answered")


def test_an_objection_to_the_last_decision_still_needs_its_response(
    project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    objection_after_close(gate, [expert, practitioner, practitioner2], expert2)
    checks = guards.check_proposal(project, from_stage=project.stage, proposed_at=timezone.now())
    result = next(c for c in checks if c.code == "objections_answered")
    assert not result.passed and "1 still needs one" in result.message
    assert Vote.objects.filter(choice=Choice.OBJECT, response__isnull=True).count() == 1
