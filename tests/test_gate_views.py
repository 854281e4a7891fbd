"""Gate pages: the access trio, hidden directions while open, voting and sign-off by form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import (
    Choice,
    Event,
    EventKind,
    Gate,
    GateStatus,
    ObjectionResponse,
    Project,
    SignOff,
    Stage,
    Vote,
)
from projects.services import gates
from tests.gate_helpers import lived_take_part, open_gate

pytestmark = pytest.mark.django_db


def url(name: str, gate: Gate, **extra: int) -> str:
    return reverse(f"projects:{name}", kwargs={"slug": gate.project.slug, "pk": gate.pk, **extra})


def as_user(client: Client, user) -> Client:
    client.force_login(user)
    return client


def database_state() -> list[list[Any]]:
    """Every row a gate page could write, to show that a refused request wrote nothing."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (Project, Gate, Vote, ObjectionResponse, SignOff, Event)
    ]


@pytest.fixture
def draft(project, practitioner):
    return gates.draft_gate(
        project=project, actor=practitioner, proposal="Move on now.", what_changes="More hours."
    )


@pytest.fixture
def open_one(project, practitioner, expert):
    return open_gate(project, practitioner, expert)


@pytest.fixture
def passed_commissioning(project, practitioner, practitioner2, expert, expert2):
    Project.objects.filter(pk=project.pk).update(stage=Stage.COMMISSIONING)
    gate = open_gate(Project.objects.get(pk=project.pk), practitioner, expert)
    for voter in (expert, expert2, practitioner, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    return Gate.objects.get(pk=gate.pk)


@pytest.fixture
def closed_with_objection(project, practitioner, practitioner2, expert, expert2):
    """A gate closed by everyone voting, with expert2's objection waiting for a response."""
    gate = open_gate(project, practitioner, expert)
    for voter in (expert, practitioner, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    gates.cast_vote(gate=gate, voter=expert2, choice=Choice.OBJECT, reason="Worried about cost")
    return Gate.objects.get(pk=gate.pk)


# --- access trio: anonymous, outsider, member without the right, member with it -------------


@pytest.mark.parametrize(
    ("gate_fixture", "name", "method", "data", "allowed", "refused", "writes"),
    [
        ("draft", "gate", "get", {}, "expert2", None, False),
        # An empty form is shown again with its mistakes on the gate page; nothing changes.
        ("draft", "gate_edit", "post", {}, "practitioner", "expert2", False),
        ("draft", "gate_open", "post", {}, "practitioner", "commissioner", False),
        ("open_one", "gate_vote", "post", {"choice": "approve"}, "expert2", "commissioner", True),
        # Co-leads answer objections; the objector, like any other member, only reads the answer.
        (
            "closed_with_objection",
            "objection_respond",
            "post",
            {"outcome": "done", "body": "We costed it again."},
            "expert",
            "expert2",
            True,
        ),
    ],
)
def test_gate_pages_follow_the_access_trio(
    client, request, gate_fixture, name, method, data, allowed, refused, writes
):
    gate = request.getfixturevalue(gate_fixture)
    extra: dict[str, int] = {}
    if name == "objection_respond":
        extra["vote_pk"] = gate.votes.get(choice=Choice.OBJECT).pk
    target = url(name, gate, **extra)

    def attempt(persona: str | None) -> HttpResponse:
        client.logout()
        if persona:
            client.force_login(request.getfixturevalue(persona))
        response: HttpResponse = getattr(client, method)(target, data)
        return response

    before = database_state()
    anonymous = attempt(None)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    assert database_state() == before
    assert attempt("outsider").status_code == 404
    assert database_state() == before
    if refused:
        assert attempt(refused).status_code == 403
        assert database_state() == before

    response = attempt(allowed)
    if method == "get":
        assert response.status_code == 200
    elif writes:
        assert response.status_code == 302
        assert response["Location"] == gate.get_absolute_url()
    else:
        # The form comes back in place with its mistakes, on the decision page.
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
    assert (database_state() != before) is writes


def test_nothing_about_a_decision_can_be_changed_once_the_project_is_closed(
    client, project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    for voter in (expert, expert2, practitioner):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    gates.cast_vote(gate=gate, voter=practitioner2, choice=Choice.OBJECT, reason="Costs")
    objection = Vote.objects.get(choice="object")
    Project.objects.filter(pk=project.pk).update(stage=Stage.CLOSED)
    as_user(client, practitioner)
    slug = {"slug": project.slug}
    assert client.post(reverse("projects:gate_new", kwargs=slug), {}).status_code == 403
    respond = url("objection_respond", gate, vote_pk=objection.pk)
    assert client.post(respond, {"outcome": "done", "body": "Too late"}).status_code == 403
    assert (
        as_user(client, expert2).post(url("gate_vote", gate), {"choice": "approve"}).status_code
        == 403
    )
    assert client.get(url("gate", gate)).status_code == 200


def test_gate_list_and_new_proposal_follow_the_access_trio(
    client, project, outsider, expert2, practitioner
):
    for name, right, wrong in [("gates", expert2, None), ("gate_new", practitioner, expert2)]:
        target = reverse(f"projects:{name}", kwargs={"slug": project.slug})
        client.logout()
        assert client.get(target).status_code == 302
        assert as_user(client, outsider).get(target).status_code == 404
        if wrong:
            assert as_user(client, wrong).get(target).status_code == 403
        assert as_user(client, right).get(target).status_code == 200


def test_only_commissioners_reach_the_sign_off_page(
    client, passed_commissioning, outsider, expert, commissioner
):
    target = url("gate_signoff", passed_commissioning)
    assert client.get(target).status_code == 302
    assert as_user(client, outsider).get(target).status_code == 404
    assert as_user(client, expert).get(target).status_code == 403
    assert as_user(client, commissioner).get(target).status_code == 200


# --- directions hidden while open -----------------------------------------------------------


@pytest.mark.parametrize(
    "viewer", ["practitioner", "expert", "expert2", "practitioner2", "commissioner"]
)
def test_no_role_sees_how_anyone_voted_while_voting_is_open(
    client, request, open_one, expert2, practitioner2, viewer
):
    gates.cast_vote(gate=open_one, voter=expert2, choice=Choice.OBJECT, reason="Secret worry")
    gates.cast_vote(gate=open_one, voter=practitioner2, choice=Choice.APPROVE)
    as_user(client, request.getfixturevalue(viewer))
    html = client.get(url("gate", open_one)).content.decode()
    if viewer != "expert2":  # the objector alone sees their own vote
        assert "Secret worry" not in html
    assert "1 of 2 has voted" in html
    for page in ("gates", "history"):
        listing = client.get(reverse(f"projects:{page}", kwargs={"slug": open_one.project.slug}))
        assert listing.status_code == 200
        assert "Secret worry" not in listing.content.decode()
    if viewer not in ("expert2", "practitioner2"):
        assert "You voted" not in html


def test_a_voter_sees_their_own_vote_and_can_change_it(client, open_one, expert2):
    as_user(client, expert2)
    client.post(url("gate_vote", open_one), {"choice": "abstain"})
    html = client.get(url("gate", open_one)).content.decode()
    assert "You voted: Abstain" in html
    client.post(url("gate_vote", open_one), {"choice": "approve"})
    assert Vote.objects.get().choice == "approve"


def test_someone_who_joined_after_voting_opened_is_told_why_there_is_no_form(
    client, open_one, join
):
    newcomer = join(open_one.project, "practitioner")
    html = as_user(client, newcomer).get(url("gate", open_one)).content.decode()
    assert "You could not vote on this decision when voting opened" in html
    assert url("gate_vote", open_one) not in html
    response = client.post(url("gate_vote", open_one), {"choice": "approve"}, follow=True)
    assert "You could not vote on this decision when voting opened" in response.content.decode()
    assert not Vote.objects.exists()


def test_an_objection_without_a_reason_is_refused_with_a_message_and_not_saved(
    client, open_one, expert2
):
    response = as_user(client, expert2).post(url("gate_vote", open_one), {"choice": "object"})
    assert response.status_code == 200
    assert "Say why you object" in response.content.decode()
    assert not Vote.objects.exists()


def test_after_close_everyone_sees_results_per_group_objections_and_the_decision_in_words(
    client, project, practitioner, practitioner2, expert, expert2, commissioner
):
    gate = open_gate(project, practitioner, expert)
    gates.cast_vote(gate=gate, voter=expert, choice=Choice.APPROVE)
    gates.cast_vote(gate=gate, voter=expert2, choice=Choice.OBJECT, reason="Too few evening hours")
    gates.cast_vote(gate=gate, voter=practitioner, choice=Choice.APPROVE)
    gates.cast_vote(gate=gate, voter=practitioner2, choice=Choice.APPROVE)
    html = as_user(client, commissioner).get(url("gate", gate)).content.decode()
    assert "Not passed: experts by experience did not approve." in html
    assert "Too few evening hours" in html
    assert "2 of 2 (needed 2)" in html


# --- forms drive the services -----------------------------------------------------------------


def test_a_co_lead_proposes_and_opens_a_gate_through_the_pages(
    client, project, practitioner, expert
):
    lived_take_part(project, expert)
    as_user(client, practitioner)
    response = client.post(
        reverse("projects:gate_new", kwargs={"slug": project.slug}),
        {"proposal": "Start delivering.", "what_changes": "We open the doors."},
    )
    gate = Gate.objects.get()
    assert response["Location"] == gate.get_absolute_url()
    client.post(url("gate_open", gate), {"window_hours": "48"})
    gate.refresh_from_db()
    assert gate.is_open
    assert gate.closes_at and gate.opened_at and (gate.closes_at - gate.opened_at).days == 2


def test_opening_with_a_failing_guard_shows_the_reason_and_changes_nothing(
    client, draft, practitioner
):
    response = as_user(client, practitioner).post(
        url("gate_open", draft), {"window_hours": "72"}, follow=True
    )
    assert "Experts by experience must take part" in response.content.decode()
    assert Gate.objects.get().is_draft


def test_a_window_under_24_hours_is_refused(client, project, draft, practitioner, expert):
    lived_take_part(project, expert)
    response = as_user(client, practitioner).post(
        url("gate_open", draft), {"window_hours": "6"}, follow=True
    )
    assert "at least 24 hours" in response.content.decode()
    assert Gate.objects.get().is_draft


def test_a_commissioner_signs_off_through_the_evidence_page(
    client, passed_commissioning, commissioner
):
    as_user(client, commissioner)
    page = client.get(url("gate_signoff", passed_commissioning)).content.decode()
    assert "Who was involved" in page and "Checks when voting opened" in page
    bad = client.post(url("gate_signoff", passed_commissioning), {"assured": "yes", "reasons": ""})
    assert bad.status_code == 200
    client.post(
        url("gate_signoff", passed_commissioning), {"assured": "yes", "reasons": "Both groups led."}
    )
    assert Project.objects.get().stage == Stage.EVALUATION


def test_the_evidence_page_lists_the_stages_latest_events_and_links_to_the_rest(
    client, passed_commissioning, commissioner
):
    from projects.selectors.gates import EVIDENCE_EVENTS
    from projects.services import log_event

    for n in range(EVIDENCE_EVENTS + 5):
        log_event(
            project=passed_commissioning.project,
            kind=EventKind.RESPONSE_RECORDED,
            actor=commissioner,
            summary=f"Note number {n:03d}.",
        )
    stage_events = Event.objects.filter(
        project=passed_commissioning.project, stage=passed_commissioning.from_stage
    ).count()
    as_user(client, commissioner)
    page = client.get(url("gate_signoff", passed_commissioning)).content.decode()
    assert f"The latest {EVIDENCE_EVENTS} of {stage_events} things that happened." in page
    assert f"Note number {EVIDENCE_EVENTS + 4:03d}." in page  # the newest
    assert "Note number 000." not in page


def test_a_co_lead_records_a_response_to_an_objection(client, closed_with_objection, practitioner):
    objection = Vote.objects.get(choice="object")
    as_user(client, practitioner).post(
        url("objection_respond", closed_with_objection, vote_pk=objection.pk),
        {"outcome": "done", "body": "We costed it again."},
    )
    objection.refresh_from_db()
    assert objection.response.body == "We costed it again."


# session, user, membership, the groups' grants, the decision with who proposed it, my vote,
# the turnout per group
GATE_BUDGET = 7


def test_gate_page_runs_a_fixed_number_of_queries_whatever_the_size(
    client, project, practitioner, expert, join, django_assert_max_num_queries
):
    voters = [join(project, "expert_by_experience") for _ in range(20)]
    gate = open_gate(project, practitioner, expert)
    as_user(client, practitioner)
    with django_assert_max_num_queries(GATE_BUDGET):
        client.get(url("gate", gate))
    for voter in voters:
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    with django_assert_max_num_queries(GATE_BUDGET):
        client.get(url("gate", gate))


def test_gate_list_runs_a_fixed_number_of_queries_whatever_the_number_of_gates(
    client, project, practitioner, commissioner, django_assert_max_num_queries
):
    def closed_gate(n: int) -> Gate:
        at = timezone.now() - timedelta(days=30 - n)
        return Gate.objects.create(
            project=project,
            from_stage="design",
            to_stage="delivery",
            proposal=f"Proposal {n}",
            what_changes="w",
            status=GateStatus.CLOSED,
            opened_at=at,
            closes_at=at,
            closed_at=at,
            passed=True,
            reason="passed",
            signoff_required=True,
            results={"rule": "dual_key"},
        )

    list_url = reverse("projects:gates", kwargs={"slug": project.slug})
    client.force_login(practitioner)
    SignOff.objects.create(
        gate=closed_gate(0), commissioner=commissioner, assured=False, reasons="r"
    )
    with django_assert_max_num_queries(7):
        assert "was not assured" in client.get(list_url).content.decode()
    for n in range(1, 15):
        closed_gate(n)
    with django_assert_max_num_queries(7):
        assert "Waiting for a commissioner" in client.get(list_url).content.decode()


def test_after_close_a_voter_still_sees_how_they_voted(
    client, project, practitioner, practitioner2, expert, expert2, commissioner
):
    gate = open_gate(project, practitioner, expert)
    gates.cast_vote(gate=gate, voter=expert2, choice=Choice.ABSTAIN)
    for voter in (expert, practitioner, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    assert "Your vote: Abstain." in as_user(client, expert2).get(url("gate", gate)).content.decode()
    html = as_user(client, commissioner).get(url("gate", gate)).content.decode()
    assert "Your vote:" not in html
