"""Recording with help (issue 12): a practitioner or co-lead records a vote, an idea or a reply
for an expert by experience, who confirms it with a one-time code, or, with no phone or email,
gets it marked "not confirmed"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from participation.messages.render import render
from participation.models import (
    Activity,
    Contribution,
    HelpKind,
    HelpRequest,
    HelpStatus,
    MessageKind,
    OutboxMessage,
    Reply,
)
from participation.services import activities
from participation.services.assistance import (
    CODE_LIFETIME,
    MAX_TRIES,
    AssistanceError,
    Details,
    cancel,
    code_for,
    confirm,
    record_with_help,
    resend,
    what_was_recorded,
)
from projects.models import Choice, Event, EventKind, Gate, Membership, Project, Vote, VoteChannel
from projects.services import closing as gate_closing
from projects.services import gates
from projects.services.memberships import remove_member
from tests.gate_helpers import open_gate

pytestmark = pytest.mark.django_db


def vote(gate: Gate, choice: str = Choice.OBJECT, reason: str = "Too far") -> Details:
    return Details(kind=HelpKind.VOTE, gate=gate, choice=choice, reason=reason)


def idea(body: str = "Evening drop-ins, please") -> Details:
    return Details(kind=HelpKind.IDEA, contribution_kind="idea", body=body)


def planned(project: Project, actor: Any) -> Activity:
    return activities.plan_activity(
        project=project,
        actor=actor,
        kind="workshop",
        title="Planning the drop-in",
        starts_at=timezone.now() + timedelta(days=3),
        duration_minutes=90,
        place="Brixton Library",
    )


def reply(activity: Activity, answer: str = "coming") -> Details:
    return Details(kind=HelpKind.REPLY, activity=activity, answer=answer)


@pytest.fixture
def gate(project: Project, practitioner: Any, expert: Any) -> Gate:
    return open_gate(project, practitioner, expert)


def no_contact(user: Any) -> Any:
    user.email, user.phone = None, ""
    user.save(update_fields=["email", "phone"])
    return user


# --- The whole flow, for each kind -----------------------------------------------------------


def test_an_assisted_vote_counts_only_once_the_member_reads_back_the_code(
    project, gate, practitioner2, expert2
):
    made = record_with_help(
        project=project, helper=practitioner2, member=expert2, details=vote(gate)
    )

    assert made.status == HelpStatus.WAITING
    assert not Vote.objects.filter(gate=gate, voter=expert2).exists()
    assert gate_closing.turnout(gate)["lived"][0] == 0

    confirm(request=made, helper=practitioner2, code=code_for(made))

    counted = Vote.objects.get(gate=gate, voter=expert2)
    assert (counted.choice, counted.reason) == (Choice.OBJECT, "Too far")
    assert (counted.channel, counted.recorded_by, counted.confirmed) == (
        VoteChannel.ASSISTED,
        practitioner2,
        True,
    )
    made.refresh_from_db()
    assert made.status == HelpStatus.CONFIRMED


def test_an_idea_recorded_with_help_becomes_the_members_once_confirmed(
    project, practitioner2, expert2
):
    made = record_with_help(project=project, helper=practitioner2, member=expert2, details=idea())
    assert not Contribution.objects.filter(author=expert2).exists()

    confirm(request=made, helper=practitioner2, code=code_for(made))

    added = Contribution.objects.get(author=expert2)
    assert (added.body, added.recorded_by, added.confirmed) == (
        "Evening drop-ins, please",
        practitioner2,
        True,
    )


def test_a_reply_recorded_with_help_becomes_the_members_once_confirmed(
    project, practitioner, practitioner2, expert2
):
    activity = planned(project, practitioner)
    made = record_with_help(
        project=project, helper=practitioner2, member=expert2, details=reply(activity)
    )
    assert not Reply.objects.filter(user=expert2).exists()

    confirm(request=made, helper=practitioner2, code=code_for(made))

    answer = Reply.objects.get(user=expert2, activity=activity)
    assert (answer.answer, answer.recorded_by, answer.confirmed) == ("coming", practitioner2, True)


def test_the_member_replying_themselves_makes_the_reply_theirs_again(
    project, practitioner, practitioner2, expert2
):
    activity = planned(project, practitioner)
    made = record_with_help(
        project=project, helper=practitioner2, member=expert2, details=reply(activity)
    )
    confirm(request=made, helper=practitioner2, code=code_for(made))

    activities.reply(activity=activity, user=expert2, answer="coming")

    answer = Reply.objects.get(user=expert2, activity=activity)
    assert (answer.recorded_by, answer.confirmed) == (None, None)


def test_a_co_lead_who_is_an_expert_by_experience_may_help(project, gate, expert, expert2):
    made = record_with_help(project=project, helper=expert, member=expert2, details=vote(gate))
    assert made.status == HelpStatus.WAITING


# --- The code and the message that carries it --------------------------------------------------


def test_the_code_goes_by_text_to_a_checked_phone_and_is_never_stored(
    project, gate, practitioner2, expert2
):
    expert2.phone, expert2.phone_verified = "+447700900123", True
    expert2.save(update_fields=["phone", "phone_verified"])

    made = record_with_help(
        project=project, helper=practitioner2, member=expert2, details=vote(gate)
    )

    message = OutboxMessage.objects.get(kind=MessageKind.HELP_CODE)
    assert message.channel == "sms"
    assert message.data == {"help": made.pk, "send": 1}
    content = render(message, now=timezone.now())
    assert content is not None
    code = code_for(made)
    assert content.sms.startswith(f"coproduce: {practitioner2} is recording for you on ")
    assert 'your vote is NO on moving from Design to Delivery, because "Too far"' in content.sms
    assert f"tell them this code: {code}. Do not reply to this text." in content.sms
    stored = [str(value) for value in HelpRequest.objects.values().get(pk=made.pk).values()]
    assert code not in stored
    assert all(
        code not in event.summary and code not in str(event.data) for event in Event.objects.all()
    )


def test_the_code_goes_by_email_when_there_is_no_checked_phone(project, practitioner2, expert2):
    made = record_with_help(project=project, helper=practitioner2, member=expert2, details=idea())

    message = OutboxMessage.objects.get(kind=MessageKind.HELP_CODE)
    assert message.channel == "email"
    content = render(message, now=timezone.now())
    assert content is not None and content.address == expert2.email
    assert code_for(made) in content.text
    assert f"Do not reply to this message: say the code to {practitioner2}." in content.text


def test_what_was_recorded_is_said_in_plain_words(
    project, gate, practitioner, practitioner2, expert2
):
    made = record_with_help(
        project=project,
        helper=practitioner2,
        member=expert2,
        details=vote(gate, Choice.APPROVE, ""),
    )
    assert what_was_recorded(made) == "your vote is YES on moving from Design to Delivery"
    activity = planned(project, practitioner)
    made = record_with_help(
        project=project, helper=practitioner2, member=expert2, details=reply(activity, "not_coming")
    )
    assert what_was_recorded(made).startswith('your answer for "Planning the drop-in" on ')
    assert what_was_recorded(made).endswith("is: not coming")


def test_a_wrong_code_counts_nothing_and_says_how_many_tries_are_left(
    project, gate, practitioner2, expert2
):
    made = record_with_help(
        project=project, helper=practitioner2, member=expert2, details=vote(gate)
    )
    wrong = "000000" if code_for(made) != "000000" else "111111"

    with pytest.raises(AssistanceError, match="4 tries left"):
        confirm(request=made, helper=practitioner2, code=wrong)

    made.refresh_from_db()
    assert (made.failed_attempts, made.status) == (1, HelpStatus.WAITING)
    assert not Vote.objects.filter(voter=expert2).exists()


def test_too_many_wrong_codes_cancel_the_record_even_the_right_one_after(
    project, gate, practitioner2, expert2
):
    made = record_with_help(
        project=project, helper=practitioner2, member=expert2, details=vote(gate)
    )
    wrong = "000000" if code_for(made) != "000000" else "111111"
    for _ in range(MAX_TRIES - 1):
        with pytest.raises(AssistanceError, match=r"(tries|try) left"):
            confirm(request=made, helper=practitioner2, code=wrong)
    with pytest.raises(AssistanceError, match="wrong too many times"):
        confirm(request=made, helper=practitioner2, code=wrong)

    with pytest.raises(AssistanceError, match="cancelled"):
        confirm(request=made, helper=practitioner2, code=code_for(made))
    made.refresh_from_db()
    assert made.status == HelpStatus.CANCELLED
    assert not Vote.objects.filter(voter=expert2).exists()


def test_an_expired_code_records_nothing_until_it_is_sent_again(
    project, gate, practitioner2, expert2
):
    made = record_with_help(project=project, helper=practitioner2, member=expert2, details=idea())
    later = timezone.now() + CODE_LIFETIME + timedelta(minutes=1)

    with pytest.raises(AssistanceError, match="run out"):
        confirm(request=made, helper=practitioner2, code=code_for(made), now=later)
    assert not Contribution.objects.filter(author=expert2).exists()

    resend(request=made, helper=practitioner2, now=later)
    assert OutboxMessage.objects.filter(kind=MessageKind.HELP_CODE).count() == 2
    confirm(request=made, helper=practitioner2, code=code_for(made), now=later)
    assert Contribution.objects.filter(author=expert2).exists()


def test_confirming_twice_records_once(project, practitioner2, expert2):
    made = record_with_help(project=project, helper=practitioner2, member=expert2, details=idea())
    confirm(request=made, helper=practitioner2, code=code_for(made))
    confirm(request=made, helper=practitioner2, code=code_for(made))

    assert Contribution.objects.filter(author=expert2).count() == 1
    steps = [
        e.data["step"] for e in Event.objects.filter(kind=EventKind.HELP_RECORDED).order_by("pk")
    ]
    assert steps == ["asked", "confirmed"]


def test_recording_twice_makes_one_record_and_sends_one_code(project, gate, practitioner2, expert2):
    first = record_with_help(
        project=project, helper=practitioner2, member=expert2, details=vote(gate)
    )
    again = record_with_help(
        project=project, helper=practitioner2, member=expert2, details=vote(gate)
    )

    assert first == again
    assert HelpRequest.objects.count() == 1
    assert OutboxMessage.objects.filter(kind=MessageKind.HELP_CODE).count() == 1


def test_a_new_record_for_the_same_decision_cancels_the_older_waiting_one(
    project, gate, practitioner2, expert, expert2
):
    older = record_with_help(
        project=project, helper=practitioner2, member=expert2, details=vote(gate)
    )
    newer = record_with_help(
        project=project, helper=expert, member=expert2, details=vote(gate, Choice.APPROVE, "")
    )

    older.refresh_from_db()
    assert older.status == HelpStatus.CANCELLED
    assert newer.status == HelpStatus.WAITING
    with pytest.raises(AssistanceError, match="cancelled"):
        confirm(request=older, helper=practitioner2, code=code_for(older))


def test_a_cancelled_record_records_nothing_and_cancelling_twice_is_harmless(
    project, practitioner2, expert2
):
    made = record_with_help(project=project, helper=practitioner2, member=expert2, details=idea())
    assert cancel(request=made, helper=practitioner2).status == HelpStatus.CANCELLED
    with pytest.raises(AssistanceError, match="already cancelled, so nothing was changed"):
        cancel(request=made, helper=practitioner2)

    with pytest.raises(AssistanceError):
        confirm(request=made, helper=practitioner2, code=code_for(made))
    assert not Contribution.objects.filter(author=expert2).exists()


def test_only_the_helper_who_recorded_it_can_confirm_it(
    project, practitioner, practitioner2, expert2
):
    made = record_with_help(project=project, helper=practitioner2, member=expert2, details=idea())
    with pytest.raises(AssistanceError):
        confirm(request=made, helper=practitioner, code=code_for(made))


def test_a_vote_closed_while_the_code_was_on_its_way_is_not_recorded(
    project, gate, practitioner2, expert2
):
    made = record_with_help(
        project=project, helper=practitioner2, member=expert2, details=vote(gate)
    )
    assert gate.closes_at is not None
    after = gate.closes_at + timedelta(minutes=1)
    made.expires_at = after + CODE_LIFETIME
    made.save(update_fields=["expires_at"])

    with pytest.raises(AssistanceError, match="could not be recorded"):
        confirm(request=made, helper=practitioner2, code=code_for(made), now=after)
    assert not Vote.objects.filter(voter=expert2).exists()


# --- No phone and no email ---------------------------------------------------------------------


def test_a_member_with_no_phone_or_email_gets_the_vote_at_once_marked_not_confirmed(
    project, gate, practitioner2, expert2
):
    no_contact(expert2)
    made = record_with_help(
        project=project, helper=practitioner2, member=expert2, details=vote(gate)
    )

    assert made.status == HelpStatus.NOT_CONFIRMED
    assert not OutboxMessage.objects.filter(kind=MessageKind.HELP_CODE).exists()
    counted = Vote.objects.get(gate=gate, voter=expert2)
    assert (counted.recorded_by, counted.confirmed) == (practitioner2, False)
    assert gate_closing.turnout(gate)["lived"][0] == 1


def test_a_waiting_assisted_vote_is_never_counted_when_voting_closes(
    project, gate, practitioner, practitioner2, expert, expert2
):
    record_with_help(project=project, helper=practitioner2, member=expert2, details=vote(gate))
    for voter in (practitioner, expert):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)

    assert gate_closing.turnout(gate)["lived"][0] == 1
    assert not Vote.objects.filter(voter=expert2).exists()


# --- Who may help whom -------------------------------------------------------------------------


def test_refused_for_a_member_of_another_project(
    project, gate, practitioner2, project_factory, join
):
    elsewhere = project_factory()
    stranger = join(elsewhere, "expert_by_experience")
    with pytest.raises(AssistanceError, match="expert by experience in this project"):
        record_with_help(project=project, helper=practitioner2, member=stranger, details=idea())


def test_refused_to_an_expert_by_experience_helping_a_practitioner(project, expert2, practitioner2):
    with pytest.raises(AssistanceError, match="practitioners and co-leads"):
        record_with_help(project=project, helper=expert2, member=practitioner2, details=idea())


def test_refused_to_a_commissioner(project, commissioner, expert2):
    with pytest.raises(AssistanceError, match="practitioners and co-leads"):
        record_with_help(project=project, helper=commissioner, member=expert2, details=idea())


def test_refused_for_a_practitioner_or_oneself(project, practitioner, practitioner2):
    with pytest.raises(AssistanceError, match="expert by experience"):
        record_with_help(project=project, helper=practitioner, member=practitioner2, details=idea())
    with pytest.raises(AssistanceError, match="yourself"):
        record_with_help(project=project, helper=practitioner, member=practitioner, details=idea())


def test_nothing_is_recorded_or_sent_when_refused(project, commissioner, expert2):
    with pytest.raises(AssistanceError):
        record_with_help(project=project, helper=commissioner, member=expert2, details=idea())
    assert not HelpRequest.objects.exists()
    assert not OutboxMessage.objects.filter(kind=MessageKind.HELP_CODE).exists()


# --- The history -------------------------------------------------------------------------------


def test_every_step_is_in_the_history_without_the_direction_of_the_vote(
    project, gate, practitioner2, expert2
):
    made = record_with_help(
        project=project, helper=practitioner2, member=expert2, details=vote(gate)
    )
    with pytest.raises(AssistanceError):
        confirm(request=made, helper=practitioner2, code="x")
    confirm(request=made, helper=practitioner2, code=code_for(made))

    steps = [
        e.data["step"] for e in Event.objects.filter(kind=EventKind.HELP_RECORDED).order_by("pk")
    ]
    assert steps == ["asked", "wrong_code", "confirmed"]
    cast = Event.objects.get(kind=EventKind.VOTE_CAST, data__helper=practitioner2.pk)
    assert cast.summary == f"{expert2} voted, with help from {practitioner2}."
    for event in Event.objects.filter(kind__in=[EventKind.HELP_RECORDED, EventKind.VOTE_CAST]):
        assert "object" not in (event.summary + str(event.data)).lower()
        assert "Too far" not in event.summary + str(event.data)


def test_a_member_who_left_while_the_code_travelled_gets_nothing_recorded(
    project, practitioner, practitioner2, expert2
):
    made = record_with_help(project=project, helper=practitioner2, member=expert2, details=idea())
    remove_member(
        membership=Membership.objects.get(project=project, user=expert2), actor=practitioner
    )

    with pytest.raises(AssistanceError, match="could not be recorded"):
        confirm(request=made, helper=practitioner2, code=code_for(made))
    assert not Contribution.objects.filter(author=expert2).exists()
    made.refresh_from_db()
    assert made.status == HelpStatus.CANCELLED


def test_a_long_idea_is_shortened_in_the_text_but_the_code_is_never_cut(
    project, practitioner2, expert2
):
    expert2.phone, expert2.phone_verified = "+447700900123", True
    expert2.save(update_fields=["phone", "phone_verified"])
    made = record_with_help(
        project=project, helper=practitioner2, member=expert2, details=idea("word " * 300)
    )

    content = render(OutboxMessage.objects.get(kind=MessageKind.HELP_CODE), now=timezone.now())
    assert content is not None
    assert len(content.sms) <= 3 * 153
    assert (
        f"tell them this code: {code_for(made)}. Do not reply to this text. If not right, do "
        "not give it." in content.sms
    )


def test_cancelling_or_sending_again_after_it_was_confirmed_says_so_and_changes_nothing(
    project, practitioner2, expert2
):
    made = record_with_help(project=project, helper=practitioner2, member=expert2, details=idea())
    confirm(request=made, helper=practitioner2, code=code_for(made))
    sent = OutboxMessage.objects.filter(kind=MessageKind.HELP_CODE).count()

    with pytest.raises(AssistanceError, match=f"{expert2} has already confirmed this record"):
        cancel(request=made, helper=practitioner2)
    with pytest.raises(AssistanceError, match="already confirmed"):
        resend(request=made, helper=practitioner2)

    made.refresh_from_db()
    assert made.status == HelpStatus.CONFIRMED
    assert Contribution.objects.filter(author=expert2).count() == 1
    assert OutboxMessage.objects.filter(kind=MessageKind.HELP_CODE).count() == sent


@pytest.mark.parametrize("words", [".", "  ", "!!", "\U0001f44d"])
def test_a_reason_or_idea_with_no_words_is_refused(project, gate, practitioner2, expert2, words):
    with pytest.raises(AssistanceError, match="why they object"):
        record_with_help(
            project=project,
            helper=practitioner2,
            member=expert2,
            details=vote(gate, Choice.OBJECT, words),
        )
    with pytest.raises(AssistanceError, match="Write their idea"):
        record_with_help(
            project=project,
            helper=practitioner2,
            member=expert2,
            details=Details(kind=HelpKind.IDEA, contribution_kind="idea", body=words),
        )
    assert not HelpRequest.objects.exists()


def test_the_last_try_is_counted_in_the_singular(project, practitioner2, expert2):
    made = record_with_help(project=project, helper=practitioner2, member=expert2, details=idea())
    wrong = "000000" if code_for(made) != "000000" else "111111"
    for _ in range(MAX_TRIES - 2):
        with pytest.raises(AssistanceError, match="tries left"):
            confirm(request=made, helper=practitioner2, code=wrong)
    with pytest.raises(AssistanceError, match=r"\(1 try left\)"):
        confirm(request=made, helper=practitioner2, code=wrong)


def test_a_member_who_texted_stop_gets_the_code_by_email(project, gate, practitioner2, expert2):
    from participation.models import InboundText, TextOutcome

    expert2.phone, expert2.phone_verified = "+447700900123", True
    expert2.save(update_fields=["phone", "phone_verified"])
    InboundText.objects.create(
        provider="fake",
        message_id="m1",
        sender=expert2.phone,
        body="STOP",
        received_at=timezone.now(),
        user=expert2,
        outcome=TextOutcome.STOPPED,
    )
    record_with_help(project=project, helper=practitioner2, member=expert2, details=vote(gate))
    assert OutboxMessage.objects.get(kind=MessageKind.HELP_CODE).channel == "email"
