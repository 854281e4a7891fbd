"""Gate lifecycle: guards, windows, votes, early and deadline close, sign-off."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from participation.models import Contribution
from projects import services
from projects.models import (
    Choice,
    Event,
    EventKind,
    Gate,
    GateStatus,
    Project,
    Role,
    SignOff,
    Stage,
    Vote,
)
from projects.selectors import gates as gate_reading
from projects.services import closing as gate_closing
from projects.services import gates, guards
from projects.tasks import close_due_gates_task
from tests.gate_helpers import deadline, lived_take_part, open_gate

pytestmark = pytest.mark.django_db


def draft(project, lead):
    return gates.draft_gate(
        project=project, actor=lead, proposal="Move on.", what_changes="Things change."
    )


def vote_all(gate, choices):
    for user, choice in choices:
        gates.cast_vote(gate=gate, voter=user, choice=choice, reason="Not yet ready.")


def test_a_draft_proposes_the_next_stage_and_only_one_can_be_in_progress(
    project, practitioner, expert
):
    gate = draft(project, practitioner)
    assert (gate.from_stage, gate.to_stage, gate.status) == ("design", "delivery", "draft")
    with pytest.raises(gates.GateError, match="already a decision in progress"):
        gates.draft_gate(project=project, actor=expert, proposal="Other.", what_changes="x")
    with pytest.raises(gates.GateError, match="already a decision in progress"):
        gates.draft_gate(project=project, actor=practitioner, proposal="Other.", what_changes="x")


def test_gate_will_not_open_without_lived_participation_in_the_stage(project, practitioner):
    gate = draft(project, practitioner)
    with pytest.raises(gates.GateError, match="Experts by experience must take part"):
        gates.open_gate(gate=gate, actor=practitioner)
    assert Gate.objects.get(pk=gate.pk).status == GateStatus.DRAFT


def test_a_practitioner_contribution_does_not_count_as_lived_participation(
    project, practitioner, practitioner2
):
    lived_take_part(project, practitioner2)
    with pytest.raises(gates.GateError, match="Experts by experience must take part"):
        gates.open_gate(gate=draft(project, practitioner), actor=practitioner)


def test_lived_participation_after_the_proposal_does_not_count(project, practitioner, expert):
    gate = draft(project, practitioner)
    Contribution.objects.create(
        project=project,
        author=expert,
        stage="design",
        body="Late idea",
        created_at=gate.created_at + timedelta(minutes=5),
    )
    with pytest.raises(gates.GateError, match="Experts by experience must take part"):
        gates.open_gate(gate=gate, actor=practitioner)


def test_each_bloc_needs_two_voting_members_and_every_failing_guard_is_named(practitioner, expert):
    small = services.create_project(
        creator=practitioner, title="Small", summary="s", creator_role=Role.PRACTITIONER
    )
    gate = draft(small, practitioner)
    with pytest.raises(gates.GateError) as refused:
        gates.open_gate(gate=gate, actor=practitioner)
    message = str(refused.value)
    assert "at least 2 voting members" in message
    assert "0 experts by experience and 1 practitioner." in message
    assert "Experts by experience must take part" in message
    codes = {g.code: g.passed for g in guards.check_guards(gate)}
    assert codes == {"bloc_size": False, "lived_participation": False, "objections_answered": True}


def test_a_decision_that_will_need_sign_off_waits_for_a_commissioner_to_join(
    project, practitioner, expert, commissioner
):
    services.remove_member(
        membership=project.memberships.get(user=commissioner), actor=practitioner
    )
    lived_take_part(project, expert)
    gate = draft(project, practitioner)
    # From design, only a project that asks for sign-off on every gate needs a commissioner.
    assert "commissioner_present" not in {g.code for g in guards.check_guards(gate)}
    Project.objects.filter(pk=project.pk).update(signoff_every_gate=True)
    gate.refresh_from_db()
    with pytest.raises(gates.GateError, match="the project needs a commissioner"):
        gates.open_gate(gate=gate, actor=practitioner)
    gate.refresh_from_db()
    assert gate.is_draft
    services.add_member(
        project=project, user=commissioner, role=Role.COMMISSIONER, actor=practitioner
    )
    assert gates.open_gate(gate=gate, actor=practitioner).is_open


def test_voting_window_defaults_to_the_project_setting_and_is_never_under_24_hours(
    project, practitioner, expert
):
    lived_take_part(project, expert)
    gate = draft(project, practitioner)
    with pytest.raises(gates.GateError, match="at least 24 hours"):
        gates.open_gate(gate=gate, actor=practitioner, window_hours=12)
    gate = gates.open_gate(gate=gate, actor=practitioner)
    assert gate.opened_at is not None
    assert deadline(gate) - gate.opened_at == timedelta(hours=72)


def test_an_objection_needs_a_reason(project, practitioner, expert):
    gate = open_gate(project, practitioner, expert)
    with pytest.raises(gates.GateError, match="say why you object"):
        gates.cast_vote(gate=gate, voter=expert, choice=Choice.OBJECT, reason="  ")
    assert not Vote.objects.exists()


def test_a_member_can_change_their_vote_and_only_one_vote_is_kept(project, practitioner, expert):
    gate = open_gate(project, practitioner, expert)
    gates.cast_vote(gate=gate, voter=expert, choice=Choice.APPROVE)
    gates.cast_vote(gate=gate, voter=expert, choice=Choice.OBJECT, reason="Too fast.")
    vote = Vote.objects.get()
    assert (vote.choice, vote.reason) == ("object", "Too fast.")
    kinds = list(Event.objects.filter(kind__startswith="vote").values_list("kind", flat=True))
    assert sorted(kinds) == ["vote_cast", "vote_changed"]


def test_the_event_log_never_holds_a_vote_direction_while_voting_is_open(
    project, practitioner, expert
):
    gate = open_gate(project, practitioner, expert)
    gates.cast_vote(gate=gate, voter=expert, choice=Choice.OBJECT, reason="Too fast.")
    for event in Event.objects.filter(kind__startswith="vote"):
        text = f"{event.summary} {event.data}".lower()
        assert "object" not in text and "approve" not in text and "too fast" not in text


def test_commissioners_and_outsiders_cannot_vote(
    project, practitioner, expert, commissioner, outsider
):
    gate = open_gate(project, practitioner, expert)
    for person in (commissioner, outsider):
        with pytest.raises(gates.GateError, match="Only experts by experience and practitioners"):
            gates.cast_vote(gate=gate, voter=person, choice=Choice.APPROVE)
    assert not Vote.objects.exists()


def test_gate_closes_early_once_everyone_has_voted_and_the_stage_moves_on(
    project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    vote_all(gate, [(expert, "approve"), (expert2, "approve"), (practitioner, "approve")])
    assert Gate.objects.get(pk=gate.pk).is_open
    gates.cast_vote(gate=gate, voter=practitioner2, choice=Choice.ABSTAIN)
    gate.refresh_from_db()
    project.refresh_from_db()
    assert gate.is_closed and gate.passed and gate.results["closed_early"]
    assert gate.results["lived"]["approvals"] == 2
    assert project.stage == Stage.DELIVERY
    assert gate_reading.describe_outcome(gate) == (
        "Passed: a majority of both experts by experience and practitioners approved."
    )
    assert Event.objects.filter(kind=EventKind.STAGE_CHANGED).exists()


def test_a_larger_learned_bloc_cannot_outvote_the_lived_bloc(
    project, practitioner, practitioner2, expert, expert2, join
):
    extra = [join(project, Role.PRACTITIONER) for _ in range(4)]
    gate = open_gate(project, practitioner, expert)
    vote_all(gate, [(p, "approve") for p in [practitioner, practitioner2, *extra]])
    vote_all(gate, [(expert, "object"), (expert2, "object")])
    gate.refresh_from_db()
    assert not gate.passed and gate.reason == "rejected_by_lived"
    assert (
        gate_reading.describe_outcome(gate) == "Not passed: experts by experience did not approve."
    )
    assert Project.objects.get(pk=project.pk).stage == Stage.DESIGN


def test_the_periodic_task_closes_a_gate_at_its_deadline_and_a_second_run_is_harmless(
    project, practitioner, expert
):
    gate = open_gate(project, practitioner, expert)
    gates.cast_vote(gate=gate, voter=expert, choice=Choice.APPROVE)
    with time_machine.travel(deadline(gate) - timedelta(minutes=1)):
        assert close_due_gates_task.delay().get() == []
    with time_machine.travel(deadline(gate) + timedelta(seconds=30)):
        assert close_due_gates_task.delay().get() == [gate.pk]
        assert close_due_gates_task.delay().get() == []
    gate.refresh_from_db()
    assert gate.is_closed and not gate.passed and gate.reason == "no_quorum_lived"
    assert gate_reading.describe_outcome(gate) == (
        "Not passed: not enough experts by experience voted (1 of 2 needed)."
    )
    assert Event.objects.filter(kind=EventKind.GATE_CLOSED).count() == 1


def test_a_vote_after_the_deadline_is_refused_with_a_message_and_not_counted(
    project, practitioner, expert
):
    gate = open_gate(project, practitioner, expert)
    with (
        time_machine.travel(deadline(gate) + timedelta(seconds=1)),
        pytest.raises(gates.GateError, match="has closed"),
    ):
        gates.cast_vote(gate=gate, voter=expert, choice=Choice.APPROVE)
    assert not Vote.objects.exists()


def test_the_next_gate_waits_until_every_objection_has_a_response(
    project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    vote_all(
        gate,
        [
            (expert, "approve"),
            (expert2, "object"),
            (practitioner, "approve"),
            (practitioner2, "approve"),
        ],
    )
    gate.refresh_from_db()
    assert not gate.passed  # one approval against one objection is no lived majority
    objection = Vote.objects.get(choice=Choice.OBJECT)
    lived_take_part(project, expert)
    second = draft(Project.objects.get(pk=project.pk), practitioner)
    with pytest.raises(gates.GateError, match="1 still needs one"):
        gates.open_gate(gate=second, actor=practitioner)
    gates.respond_to_objection(
        objection=objection, actor=practitioner, body="We added a pilot.", outcome="done"
    )
    assert gates.open_gate(gate=second, actor=practitioner).is_open


def test_leaving_commissioning_needs_an_assured_sign_off_before_the_stage_moves(
    project, practitioner, practitioner2, expert, expert2, commissioner
):
    Project.objects.filter(pk=project.pk).update(stage=Stage.COMMISSIONING)
    gate = open_gate(Project.objects.get(pk=project.pk), practitioner, expert)
    vote_all(gate, [(u, "approve") for u in (expert, expert2, practitioner, practitioner2)])
    gate.refresh_from_db()
    assert gate.passed and gate.signoff_required
    assert Project.objects.get(pk=project.pk).stage == Stage.COMMISSIONING
    assert list(Gate.objects.awaiting_signoff()) == [gate]

    gates.record_signoff(gate=gate, commissioner=commissioner, assured=True, reasons="Both led.")
    assert Project.objects.get(pk=project.pk).stage == Stage.EVALUATION
    with pytest.raises(gates.GateError, match="already been signed off"):
        gates.record_signoff(gate=gate, commissioner=commissioner, assured=True, reasons="Again.")


def test_not_assured_leaves_the_project_in_its_stage_with_the_reasons_logged(
    project, practitioner, practitioner2, expert, expert2, commissioner
):
    Project.objects.filter(pk=project.pk).update(stage=Stage.COMMISSIONING)
    gate = open_gate(Project.objects.get(pk=project.pk), practitioner, expert)
    vote_all(gate, [(u, "approve") for u in (expert, expert2, practitioner, practitioner2)])
    gates.record_signoff(
        gate=gate, commissioner=commissioner, assured=False, reasons="Lived members were absent."
    )
    assert Project.objects.get(pk=project.pk).stage == Stage.COMMISSIONING
    event = Event.objects.get(kind=EventKind.SIGNED_OFF)
    assert "Lived members were absent." in event.summary


def test_sign_off_can_never_turn_a_failed_vote_into_a_pass(
    project, practitioner, practitioner2, expert, expert2, commissioner
):
    Project.objects.filter(pk=project.pk).update(stage=Stage.COMMISSIONING)
    gate = open_gate(Project.objects.get(pk=project.pk), practitioner, expert)
    vote_all(
        gate,
        [
            (expert, "object"),
            (expert2, "object"),
            (practitioner, "approve"),
            (practitioner2, "approve"),
        ],
    )
    with pytest.raises(gates.GateError, match="does not need a sign-off"):
        gates.record_signoff(gate=gate, commissioner=commissioner, assured=True, reasons="OK")
    assert Project.objects.get(pk=project.pk).stage == Stage.COMMISSIONING


def test_sign_off_needs_written_reasons(
    project, practitioner, practitioner2, expert, expert2, commissioner
):
    Project.objects.filter(pk=project.pk).update(stage=Stage.COMMISSIONING)
    gate = open_gate(Project.objects.get(pk=project.pk), practitioner, expert)
    vote_all(gate, [(u, "approve") for u in (expert, expert2, practitioner, practitioner2)])
    with pytest.raises(gates.GateError, match="write your reasons"):
        gates.record_signoff(gate=gate, commissioner=commissioner, assured=True, reasons=" ")


def test_the_sign_off_setting_makes_every_gate_need_a_commissioner(
    project, practitioner, practitioner2, expert, expert2
):
    Project.objects.filter(pk=project.pk).update(signoff_every_gate=True)
    gate = open_gate(Project.objects.get(pk=project.pk), practitioner, expert)
    vote_all(gate, [(u, "approve") for u in (expert, expert2, practitioner, practitioner2)])
    gate.refresh_from_db()
    assert gate.signoff_required
    assert Project.objects.get(pk=project.pk).stage == Stage.DESIGN


def test_whether_a_decision_needs_sign_off_is_fixed_when_voting_opens(
    project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    services.update_settings(
        project=project, actor=practitioner, changes={"signoff_every_gate": True}
    )
    vote_all(gate, [(u, "approve") for u in (expert, expert2, practitioner, practitioner2)])
    gate.refresh_from_db()
    assert gate.passed and not gate.signoff_required
    assert Project.objects.get(pk=project.pk).stage == Stage.DELIVERY


def test_only_a_commissioner_of_the_project_can_sign_off(
    project, practitioner, practitioner2, expert, expert2, commissioner, user_factory
):
    Project.objects.filter(pk=project.pk).update(stage=Stage.COMMISSIONING)
    gate = open_gate(Project.objects.get(pk=project.pk), practitioner, expert)
    vote_all(gate, [(u, "approve") for u in (expert, expert2, practitioner, practitioner2)])
    stranger = user_factory(display_name="Kit")
    commissioner.is_active = False
    commissioner.save(update_fields=["is_active"])
    for signer in (practitioner, stranger, commissioner):
        with pytest.raises(gates.GateError, match="Only a commissioner in this project"):
            gates.record_signoff(gate=gate, commissioner=signer, assured=True, reasons="Fine.")
    assert not SignOff.objects.exists()
    assert Project.objects.get(pk=project.pk).stage == Stage.COMMISSIONING


def test_a_deactivated_account_neither_counts_towards_a_group_nor_as_the_commissioner(
    project, practitioner, expert, expert2, commissioner
):
    Project.objects.filter(pk=project.pk).update(stage=Stage.COMMISSIONING)
    lived_take_part(project, expert)
    gate = draft(Project.objects.get(pk=project.pk), practitioner)
    type(expert2).objects.filter(pk__in=[expert2.pk, commissioner.pk]).update(is_active=False)
    codes = {g.code: g.passed for g in guards.check_guards(gate)}
    assert codes["bloc_size"] is False
    assert codes["commissioner_present"] is False


def test_turnout_is_counted_per_bloc(project, practitioner, expert):
    gate = open_gate(project, practitioner, expert)
    gates.cast_vote(gate=gate, voter=expert, choice=Choice.ABSTAIN)
    assert gate_closing.turnout(gate) == {"lived": (1, 2), "learned": (0, 2)}


def test_closing_a_closed_gate_does_nothing(project, practitioner, expert):
    gate = open_gate(project, practitioner, expert)
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        assert gate_closing.close_gate(gate_id=gate.pk) is not None
        assert gate_closing.close_gate(gate_id=gate.pk) is None


def test_a_co_lead_cannot_move_a_voter_between_groups_mid_vote(
    project, practitioner, practitioner2, expert
):
    gate = open_gate(project, practitioner, expert)
    gates.cast_vote(gate=gate, voter=practitioner2, choice=Choice.APPROVE)
    moved = project.memberships.get(user=practitioner2)
    with pytest.raises(services.ProjectError, match="role cannot change until voting closes"):
        services.change_role(membership=moved, role=Role.EXPERT_BY_EXPERIENCE, actor=practitioner)
    assert project.memberships.get(user=practitioner2).role == Role.PRACTITIONER
    assert gate.electorate[str(practitioner2.pk)] == "learned"


def test_changing_the_decision_rule_mid_vote_does_not_apply_to_the_open_vote(
    project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    services.update_settings(
        project=project, actor=practitioner, changes={"decision_rule": "consent"}
    )
    for voter, choice in [(expert, "approve"), (expert2, "abstain"), (practitioner, "approve")]:
        gates.cast_vote(gate=gate, voter=voter, choice=choice)
    gates.cast_vote(gate=gate, voter=practitioner2, choice=Choice.OBJECT, reason="Costs")
    gate.refresh_from_db()
    assert gate.results["rule"] == "dual_key"
    assert not gate.passed and gate.reason == "rejected_by_learned"


def test_someone_who_joins_after_voting_opened_cannot_vote_on_it(
    project, practitioner, expert, join
):
    gate = open_gate(project, practitioner, expert)
    newcomer = join(project, Role.EXPERT_BY_EXPERIENCE)
    with pytest.raises(gates.GateError, match="you joined, or took a voting role, after that"):
        gates.cast_vote(gate=gate, voter=newcomer, choice=Choice.APPROVE)
    assert gate_closing.turnout(gate) == {"lived": (0, 2), "learned": (0, 2)}


def test_an_objector_who_leaves_mid_vote_still_has_their_vote_counted(
    project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    gates.cast_vote(gate=gate, voter=expert2, choice=Choice.OBJECT, reason="Unsafe")
    services.leave_project(membership=project.memberships.get(user=expert2))
    for voter in (expert, practitioner, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    gate.refresh_from_db()
    assert gate.is_closed
    assert gate.results["lived"]["objections"] == 1
    assert not gate.passed


def test_a_vote_closes_early_once_everyone_who_can_still_vote_has_voted(
    project, practitioner, practitioner2, expert, expert2, django_capture_on_commit_callbacks
):
    gate = open_gate(project, practitioner, expert)
    for voter in (expert, practitioner, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    # expert2, the only one yet to vote, leaves: nobody is left to wait for. The gate closes
    # once the leaving has committed.
    with django_capture_on_commit_callbacks() as callbacks:
        services.leave_project(membership=project.memberships.get(user=expert2))
    gate.refresh_from_db()
    assert gate.is_open
    for callback in callbacks:
        callback()
    gate.refresh_from_db()
    assert gate.is_closed and gate.results["closed_early"]
    # They still count among who could vote: 1 of 2 experts by experience approved.
    assert gate.results["lived"]["electorate"] == 2
    assert gate.results["lived"]["approvals"] == 1


def test_the_last_vote_closes_early_when_the_only_other_missing_voter_has_left(
    project, practitioner, practitioner2, expert, expert2, join
):
    third = join(project, Role.PRACTITIONER)
    gate = open_gate(project, practitioner, expert)
    # practitioner2 leaves without voting; two practitioners can still meet the quorum of 2.
    services.leave_project(membership=project.memberships.get(user=practitioner2))
    gates.cast_vote(gate=gate, voter=third, choice=Choice.APPROVE)
    for voter in (expert, expert2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    gates.cast_vote(gate=gate, voter=practitioner, choice=Choice.APPROVE)
    gate.refresh_from_db()
    assert gate.is_closed and gate.results["closed_early"] and gate.passed


def test_a_parity_weighted_failure_names_the_group_with_less_support_and_its_figure(
    project, practitioner, practitioner2, expert, expert2
):
    Project.objects.filter(pk=project.pk).update(decision_rule="parity_weighted")
    gate = open_gate(Project.objects.get(pk=project.pk), practitioner, expert)
    vote_all(
        gate,
        [
            (expert, "approve"),
            (expert2, "object"),
            (practitioner, "approve"),
            (practitioner2, "object"),
        ],
    )
    gate.refresh_from_db()
    assert not gate.passed
    assert gate_reading.describe_outcome(gate) == (
        "Not passed: with each group counting for half, not more than half approved overall. "
        "The lower support was from experts by experience: 50% of those who voted approved."
    )


def test_a_new_proposal_waits_while_the_last_decision_awaits_sign_off(
    project, practitioner, practitioner2, expert, expert2
):
    Project.objects.filter(pk=project.pk).update(signoff_every_gate=True)
    gate = open_gate(Project.objects.get(pk=project.pk), practitioner, expert)
    vote_all(gate, [(u, "approve") for u in (expert, expert2, practitioner, practitioner2)])
    with pytest.raises(gates.GateError, match="waiting for a commissioner's sign-off"):
        draft(project, practitioner)


def test_the_outcome_in_words_includes_the_sign_off(
    project, practitioner, practitioner2, expert, expert2, commissioner
):
    Project.objects.filter(pk=project.pk).update(stage=Stage.COMMISSIONING)
    gate = open_gate(Project.objects.get(pk=project.pk), practitioner, expert)
    vote_all(gate, [(u, "approve") for u in (expert, expert2, practitioner, practitioner2)])
    gate.refresh_from_db()
    assert gate_reading.describe_outcome(gate).endswith("Waiting for a commissioner to sign off.")
    gates.record_signoff(gate=gate, commissioner=commissioner, assured=False, reasons="Absent.")
    gate.refresh_from_db()
    assert "was not assured" in gate_reading.describe_outcome(gate)


def test_one_gate_failing_to_close_does_not_hold_the_others_open(
    project, practitioner, expert, join, project_factory, monkeypatch, caplog
):
    other = project_factory()
    join(other, Role.PRACTITIONER)
    other_expert = join(other, Role.EXPERT_BY_EXPERIENCE)
    join(other, Role.EXPERT_BY_EXPERIENCE)
    broken = open_gate(other, other.created_by, other_expert)
    gate = open_gate(project, practitioner, expert)
    real_close = gate_closing.close_gate

    def flaky(*, gate_id: int, now=None):
        if gate_id == broken.pk:
            raise RuntimeError("broken")
        return real_close(gate_id=gate_id, now=now)

    monkeypatch.setattr(gate_closing, "close_gate", flaky)
    assert gate_closing.close_due_gates(now=deadline(gate) + timedelta(seconds=1)) == [gate.pk]
    assert f"Could not close gate {broken.pk}" in caplog.text


def test_a_draft_cannot_take_votes(project, practitioner, expert):
    gate = draft(project, practitioner)
    with pytest.raises(gates.GateError, match="has not opened yet"):
        gates.cast_vote(gate=gate, voter=expert, choice=Choice.APPROVE)
