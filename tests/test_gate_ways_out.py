"""Every state a decision can enter has a way out through the site, and nobody can steer a vote
by changing who may cast it.

Withdrawing and revising a draft, the propose page's checks, the mid-vote lock on removing or
moving voters, "not decided" when people left, and a sign-off that waits for a commissioner.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from participation.models import Contribution
from projects import services
from projects.models import (
    Choice,
    Event,
    EventKind,
    Gate,
    GateOutcome,
    GateStatus,
    Project,
    Role,
    Stage,
)
from projects.selectors import gates as gate_reading
from projects.services import gates
from tests.gate_helpers import lived_take_part, objection_after_close, open_gate

pytestmark = pytest.mark.django_db


def draft(project, lead, proposal="Move to delivery.", what_changes="Evening opening."):
    return gates.draft_gate(
        project=project, actor=lead, proposal=proposal, what_changes=what_changes
    )


def events(kind: EventKind) -> int:
    return Event.objects.filter(kind=kind).count()


def gate_url(name: str, gate: Gate) -> str:
    return reverse(f"projects:{name}", kwargs={"slug": gate.project.slug, "pk": gate.pk})


# --- 1. A decision can no longer get stuck -------------------------------------------------


def test_the_reported_dead_end_a_proposal_written_before_experts_spoke_can_open_once_revised(
    project, practitioner, expert
):
    gate = draft(project, practitioner)
    # An expert by experience speaks only after the proposal was written.
    Contribution.objects.create(
        project=project, author=expert, stage=Stage.DESIGN, body="Open in the evenings too."
    )
    with pytest.raises(gates.GateError, match="taken part since this was proposed"):
        gates.open_gate(gate=gate, actor=practitioner)

    gates.update_draft(
        gate=gate,
        actor=practitioner,
        proposal="Move to delivery, with evening opening as experts asked.",
        what_changes="Evening opening.",
    )

    assert gates.open_gate(gate=gate, actor=practitioner).is_open
    assert events(EventKind.GATE_REVISED) == 1


def test_saving_a_draft_unchanged_restarts_nothing_and_logs_nothing(project, practitioner):
    gate = draft(project, practitioner)
    again = gates.update_draft(
        gate=gate,
        actor=practitioner,
        proposal=" Move to delivery. ",
        what_changes="Evening opening.",
    )
    assert again.revised_at is None
    assert events(EventKind.GATE_REVISED) == 0


def test_a_co_lead_withdraws_a_draft_and_can_propose_again(project, practitioner, expert):
    gate = draft(project, practitioner)

    withdrawn = gates.withdraw_gate(gate=gate, actor=expert)

    assert withdrawn.status == GateStatus.WITHDRAWN and withdrawn.outcome == GateOutcome.WITHDRAWN
    assert "withdrew the proposal" in Event.objects.get(kind=EventKind.GATE_WITHDRAWN).summary
    assert gates.withdraw_gate(gate=gate, actor=expert).is_withdrawn  # a double tap is harmless
    assert events(EventKind.GATE_WITHDRAWN) == 1
    assert draft(project, practitioner, proposal="A better proposal.").is_draft


def test_an_open_vote_cannot_be_withdrawn(project, practitioner, expert):
    gate = open_gate(project, practitioner, expert)
    with pytest.raises(gates.GateError, match="can no longer be withdrawn"):
        gates.withdraw_gate(gate=gate, actor=practitioner)
    assert Gate.objects.get(pk=gate.pk).is_open


def test_withdrawing_through_the_page_returns_to_the_decisions_list(client, project, practitioner):
    gate = draft(project, practitioner)
    client.force_login(practitioner)
    page = client.get(gate_url("gate", gate)).content.decode()
    assert "Withdraw this proposal" in page

    response = client.post(gate_url("gate_withdraw", gate), follow=True)

    assert response.redirect_chain[-1][0] == reverse("projects:gates", args=[project.slug])
    assert "The proposal is withdrawn" in response.content.decode()
    assert "Propose moving to the next stage" in response.content.decode()


def test_only_a_co_lead_can_withdraw_a_draft(client, project, practitioner, expert2, outsider):
    gate = draft(project, practitioner)
    client.force_login(expert2)
    assert client.post(gate_url("gate_withdraw", gate)).status_code == 403
    client.force_login(outsider)
    assert client.post(gate_url("gate_withdraw", gate)).status_code == 404
    assert Gate.objects.get(pk=gate.pk).is_draft


def test_the_propose_page_shows_the_checks_before_anything_is_saved(client, project, practitioner):
    client.force_login(practitioner)
    page = client.get(reverse("projects:gate_new", args=[project.slug])).content.decode()
    assert "What must happen before voting can open" in page
    assert "Not yet:" in page and "Experts by experience must take part" in page
    assert not Gate.objects.exists()


def test_the_propose_page_is_not_offered_while_a_decision_is_in_progress(
    client, project, practitioner
):
    gate = draft(project, practitioner)
    client.force_login(practitioner)

    page = client.get(reverse("projects:gate_new", args=[project.slug])).content.decode()
    assert "A decision is already under way" in page
    assert gate.get_absolute_url() in page
    assert "Save proposal" not in page
    for name in ("projects:gates", "projects:detail"):
        listing = client.get(reverse(name, args=[project.slug])).content.decode()
        assert "Propose moving to the next stage" not in listing


def test_sending_the_same_proposal_twice_makes_one_draft(client, project, practitioner):
    client.force_login(practitioner)
    target = reverse("projects:gate_new", args=[project.slug])
    data = {"proposal": "Move to delivery.", "what_changes": "Evening opening."}

    first, second = client.post(target, data), client.post(target, data)

    gate = Gate.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == gate.get_absolute_url()
    assert events(EventKind.GATE_DRAFTED) == 1


def test_opening_voting_twice_opens_it_once(project, practitioner, expert):
    gate = open_gate(project, practitioner, expert)
    assert gates.open_gate(gate=gate, actor=practitioner).closes_at == gate.closes_at
    assert events(EventKind.GATE_OPENED) == 1


def test_a_rule_whose_quorum_a_group_cannot_meet_stops_voting_opening(
    project, practitioner, expert
):
    Project.objects.filter(pk=project.pk).update(min_votes_per_bloc=3)
    lived_take_part(project, expert)
    gate = draft(Project.objects.get(pk=project.pk), practitioner)
    with pytest.raises(gates.GateError, match="needs at least 3 votes from experts by experience"):
        gates.open_gate(gate=gate, actor=practitioner)


# --- 2. Nobody can decide a vote by changing who may cast it -------------------------------


def test_a_co_lead_cannot_remove_someone_who_can_vote_while_voting_is_open(
    client, project, practitioner, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    membership = project.memberships.get(user=expert2)
    client.force_login(practitioner)

    members = client.get(reverse("projects:members", args=[project.slug])).content.decode()
    response = client.post(
        reverse("projects:member_remove", args=[project.slug, membership.pk]),
        {"confirm": "on"},
        follow=True,
    )

    assert "Eli can vote on the open decision" in members
    assert 'Remove <span class="visually-hidden">Eli' not in members
    assert "cannot be removed until voting closes" in response.content.decode()
    assert project.memberships.get(user=expert2).is_active
    assert Gate.objects.get(pk=gate.pk).is_open


def test_a_co_lead_cannot_change_the_role_of_someone_who_can_vote_while_voting_is_open(
    project, practitioner, expert, expert2
):
    open_gate(project, practitioner, expert)
    membership = project.memberships.get(user=expert2)
    with pytest.raises(services.ProjectError, match="role cannot change until voting closes"):
        services.change_role(membership=membership, role=Role.COMMISSIONER, actor=practitioner)
    assert project.memberships.get(user=expert2).role == Role.EXPERT_BY_EXPERIENCE


def test_people_who_cannot_vote_on_it_can_still_be_moved_and_removed_mid_vote(
    project, practitioner, expert, commissioner, join
):
    open_gate(project, practitioner, expert)
    newcomer = join(project, Role.EXPERT_BY_EXPERIENCE)
    services.change_role(
        membership=project.memberships.get(user=newcomer),
        role=Role.PRACTITIONER,
        actor=practitioner,
    )
    services.remove_member(
        membership=project.memberships.get(user=commissioner), actor=practitioner
    )
    assert not project.memberships.get(user=commissioner).is_active


def test_a_voter_can_still_leave_by_their_own_choice_mid_vote(project, practitioner, expert, join):
    join(project, Role.EXPERT_BY_EXPERIENCE)  # so the quorum stays within reach
    gate = open_gate(project, practitioner, expert)
    services.leave_project(membership=project.memberships.get(user=expert))
    assert not project.memberships.get(user=expert).is_active
    assert Gate.objects.get(pk=gate.pk).is_open


def test_once_voting_closes_a_former_voter_can_be_removed(
    project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    for voter in (expert, expert2, practitioner, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    services.remove_member(membership=project.memberships.get(user=expert2), actor=practitioner)
    assert not project.memberships.get(user=expert2).is_active


def test_when_people_leave_so_the_quorum_is_out_of_reach_the_vote_closes_at_once_not_decided(
    project, practitioner, practitioner2, expert, expert2, django_capture_on_commit_callbacks
):
    gate = open_gate(project, practitioner, expert)
    gates.cast_vote(gate=gate, voter=expert, choice=Choice.APPROVE)
    gates.cast_vote(gate=gate, voter=practitioner, choice=Choice.APPROVE)

    # Two experts by experience could vote and two votes are needed; one leaves unvoted.
    with django_capture_on_commit_callbacks(execute=True):
        services.leave_project(membership=project.memberships.get(user=expert2))

    gate.refresh_from_db()
    assert gate.is_closed and gate.closed_at is not None and gate.closes_at is not None
    assert gate.closed_at < gate.closes_at
    assert gate.outcome == GateOutcome.NOT_DECIDED and gate.passed is False
    words = gate_reading.describe_outcome(gate)
    assert words.startswith("Not decided: too few people left to reach the quorum")
    assert "Not passed" not in words
    # A new decision can be proposed straight away.
    assert draft(Project.objects.get(pk=project.pk), practitioner, proposal="Again.").is_draft


def test_switching_off_a_voters_account_mid_vote_settles_the_vote_too(
    project, practitioner, expert, expert2, django_capture_on_commit_callbacks
):
    gate = open_gate(project, practitioner, expert)
    with django_capture_on_commit_callbacks(execute=True):
        expert2.is_active = False
        expert2.save()
    assert Gate.objects.get(pk=gate.pk).outcome == GateOutcome.NOT_DECIDED


def test_a_vote_stays_open_while_the_quorum_is_still_within_reach(
    project, practitioner, expert, join, django_capture_on_commit_callbacks
):
    join(project, Role.EXPERT_BY_EXPERIENCE)
    gate = open_gate(project, practitioner, expert)
    with django_capture_on_commit_callbacks(execute=True):
        services.leave_project(membership=project.memberships.get(user=expert))
    assert Gate.objects.get(pk=gate.pk).is_open


# --- Ways out after the vote --------------------------------------------------------------


def test_a_decision_waiting_for_a_commissioner_who_left_waits_visibly_for_the_next(
    client, project, practitioner, practitioner2, expert, expert2, commissioner, join
):
    Project.objects.filter(pk=project.pk).update(stage=Stage.COMMISSIONING)
    gate = open_gate(Project.objects.get(pk=project.pk), practitioner, expert)
    for voter in (expert, expert2, practitioner, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    services.leave_project(membership=project.memberships.get(user=commissioner))
    client.force_login(practitioner)

    page = client.get(gate.get_absolute_url()).content.decode()
    assert "The project has no commissioner at the moment" in page
    assert reverse("participation:invitations", args=[project.slug]) in page

    newcomer = join(project, Role.COMMISSIONER)
    gates.record_signoff(gate=gate, commissioner=newcomer, assured=True, reasons="Seen it all.")
    assert Project.objects.get(pk=project.pk).stage == Stage.EVALUATION


# --- A resubmission that changes nothing records nothing ----------------------------------


def test_the_same_first_vote_sent_five_times_is_recorded_and_logged_once(
    project, practitioner, expert
):
    gate = open_gate(project, practitioner, expert)
    for _ in range(5):
        gates.cast_vote(gate=gate, voter=expert, choice=Choice.APPROVE)
    assert gate.votes.count() == 1
    assert (events(EventKind.VOTE_CAST), events(EventKind.VOTE_CHANGED)) == (1, 0)


def test_a_real_change_of_vote_is_still_logged_as_a_change(project, practitioner, expert):
    gate = open_gate(project, practitioner, expert)
    gates.cast_vote(gate=gate, voter=expert, choice=Choice.APPROVE)
    gates.cast_vote(gate=gate, voter=expert, choice=Choice.OBJECT, reason="Too soon.")
    gates.cast_vote(gate=gate, voter=expert, choice=Choice.OBJECT, reason=" Too soon. ")
    gates.cast_vote(gate=gate, voter=expert, choice=Choice.OBJECT, reason="Far too soon.")
    assert (events(EventKind.VOTE_CAST), events(EventKind.VOTE_CHANGED)) == (1, 2)


def test_an_objection_response_sent_five_times_is_logged_once(
    project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    objection = objection_after_close(gate, [expert, practitioner, practitioner2], expert2)
    for _ in range(5):
        gates.respond_to_objection(
            objection=objection, actor=practitioner, body="We costed it.", outcome="done"
        )
    assert events(EventKind.RESPONSE_RECORDED) == 1
    gates.respond_to_objection(
        objection=objection, actor=practitioner, body="Costed twice.", outcome="done"
    )
    assert events(EventKind.RESPONSE_RECORDED) == 2


def test_the_same_signoff_sent_twice_is_recorded_once(
    project, practitioner, practitioner2, expert, expert2, commissioner
):
    Project.objects.filter(pk=project.pk).update(stage=Stage.COMMISSIONING)
    gate = open_gate(Project.objects.get(pk=project.pk), practitioner, expert)
    for voter in (expert, expert2, practitioner, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    for _ in range(2):
        gates.record_signoff(gate=gate, commissioner=commissioner, assured=True, reasons="Fine.")
    assert events(EventKind.SIGNED_OFF) == 1
    assert events(EventKind.STAGE_CHANGED) == 1
    with pytest.raises(gates.GateError, match="already been signed off"):
        gates.record_signoff(gate=gate, commissioner=commissioner, assured=False, reasons="No.")


def test_the_last_vote_says_voting_has_closed_not_that_it_can_still_change(
    client, project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    for voter in (expert, expert2, practitioner):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    client.force_login(practitioner2)

    response = client.post(gate_url("gate_vote", gate), {"choice": "approve"}, follow=True)

    page = response.content.decode()
    assert "so voting has closed" in page
    assert "You can change it until voting closes" not in page
    assert Gate.objects.get(pk=gate.pk).is_closed


def test_a_withdrawn_draft_shows_as_withdrawn_on_the_timeline(client, project, practitioner):
    gates.withdraw_gate(gate=draft(project, practitioner), actor=practitioner)
    client.force_login(practitioner)
    page = client.get(reverse("projects:detail", args=[project.slug])).content.decode()
    assert "withdrawn before voting" in page


def test_a_decision_that_closed_early_says_when_it_closed_and_when_it_was_due(
    client, project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    for voter in (expert, expert2, practitioner, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    client.force_login(expert2)
    page = client.get(gate.get_absolute_url()).content.decode()
    assert "Voting closed" in page and "(early: it was due to close" in page
    assert "Voting was due to close" not in page


def test_an_over_long_objection_response_is_refused_with_the_limit_not_a_wrong_message(
    client, project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    objection = objection_after_close(gate, [expert, practitioner, practitioner2], expert2)
    client.force_login(practitioner)
    target = reverse("projects:objection_respond", args=[project.slug, gate.pk, objection.pk])

    page = client.post(
        target, {"outcome": "done", "body": "x" * 5_200}, follow=True
    ).content.decode()

    assert "Write at most 5,000 characters" in page
    assert "Please write a response." not in page
    assert events(EventKind.RESPONSE_RECORDED) == 0


# --- No button that can only fail, no message that is not true -----------------------------


def test_the_leave_page_warns_a_voter_whose_leaving_would_end_the_vote(
    client, project, practitioner, expert, expert2
):
    open_gate(project, practitioner, expert)
    client.force_login(expert2)
    page = client.get(reverse("projects:leave", args=[project.slug])).content.decode()
    assert "If you leave now, that vote ends" in page and "not decided" in page


def test_the_leave_page_does_not_warn_when_the_vote_would_go_on(
    client, project, practitioner, expert, expert2, join
):
    join(project, Role.EXPERT_BY_EXPERIENCE)
    open_gate(project, practitioner, expert)
    client.force_login(expert2)
    page = client.get(reverse("projects:leave", args=[project.slug])).content.decode()
    assert "not decided" not in page


def test_the_remove_page_for_a_voter_mid_vote_explains_instead_of_offering_a_button(
    client, project, practitioner, expert, expert2
):
    open_gate(project, practitioner, expert)
    membership = project.memberships.get(user=expert2)
    client.force_login(practitioner)
    page = client.get(
        reverse("projects:member_remove", args=[project.slug, membership.pk])
    ).content.decode()
    assert "cannot be removed until voting closes" in page
    assert "Yes, remove" not in page


def test_the_only_co_lead_is_offered_no_step_down_remove_or_leave_button(
    client, project, practitioner, expert
):
    services.set_co_lead(
        membership=project.memberships.get(user=expert), is_co_lead=False, actor=expert
    )
    client.force_login(practitioner)
    page = client.get(reverse("projects:members", args=[project.slug])).content.decode()
    assert "Pat is the only co-lead" in page
    assert 'Remove co-lead role <span class="visually-hidden">from Pat' not in page
    assert 'Remove <span class="visually-hidden">Pat from the project' not in page
    assert "You are the only co-lead, so make someone else a co-lead before you leave." in page


def test_opening_a_proposal_withdrawn_in_another_tab_says_so(client, project, practitioner):
    gate = draft(project, practitioner)
    client.force_login(practitioner)
    gates.withdraw_gate(gate=gate, actor=practitioner)
    response = client.post(gate_url("gate_open", gate), {"window_hours": "72"})
    assert response.status_code == 200
    assert "already closed or withdrawn" in response.content.decode()


def test_saving_a_draft_unchanged_says_nothing_changed(client, project, practitioner):
    gate = draft(project, practitioner)
    client.force_login(practitioner)
    data = {"proposal": gate.proposal, "what_changes": gate.what_changes}
    page = client.post(gate_url("gate_edit", gate), data, follow=True).content.decode()
    assert "Nothing changed: the words are the same." in page
    assert "Proposal updated." not in page


def test_a_second_co_lead_whose_proposal_is_refused_still_sees_what_they_wrote(
    client, project, practitioner, expert
):
    draft(project, practitioner)
    client.force_login(expert)
    response = client.post(
        reverse("projects:gate_new", args=[project.slug]),
        {"proposal": "My own different proposal.", "what_changes": "Something else."},
    )
    page = response.content.decode()
    assert "A decision is already under way" in page
    assert "My own different proposal." in page


def test_a_changed_objection_response_is_logged_as_a_change(
    project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    objection = objection_after_close(gate, [expert, practitioner, practitioner2], expert2)
    gates.respond_to_objection(
        objection=objection, actor=practitioner, body="First answer.", outcome="done"
    )
    gates.respond_to_objection(
        objection=objection, actor=expert, body="Second answer.", outcome="done"
    )
    summaries = list(
        Event.objects.filter(kind=EventKind.RESPONSE_RECORDED).values_list("summary", flat=True)
    )
    assert any("changed the response" in summary for summary in summaries)
