"""Voting by text reply, end to end with the fake provider: the voting text, replies that vote,
change, object with and without a reason, texts the service cannot act on, replies after the
close, duplicate deliveries, forged and flooding webhooks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine
from django.urls import reverse

from coproduce.sms import FakeInbound, InboundMessage, fit_texts, text_length
from participation.models import (
    InboundText,
    MessageKind,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
    TextOutcome,
)
from participation.services import outbox
from participation.services.texts import read_reply, receive_text
from projects.models import Choice, Event, EventKind, Vote, VoteChannel
from projects.services import closing, gates
from projects.services.gates import Help
from tests.gate_helpers import deadline, open_gate
from tests.participation_fixtures import use_locmem_sms

pytestmark = pytest.mark.django_db

PHONE = "+447700900123"


@pytest.fixture
def texter(expert2: Any) -> Any:
    """Eli, an expert by experience with a basic phone: a checked number, texts only."""
    expert2.phone, expert2.phone_verified = PHONE, True
    expert2.save(update_fields=["phone", "phone_verified"])
    NotificationPreference.objects.create(user=expert2, channel="sms")
    return expert2


@pytest.fixture
def sms(settings: Any) -> list[Any]:
    return use_locmem_sms(settings)


@pytest.fixture
def gate(project: Any, practitioner: Any, expert: Any, texter: Any, sms: list[Any]) -> Any:
    opened = open_gate(project, practitioner, expert)
    outbox.relay_due()  # the test's transaction never commits, so the relay sends
    return opened


_ids = iter(range(1, 10_000))


def send(client: Any, body: str, *, sender: str = PHONE, message_id: str | None = None) -> Any:
    """The fake provider delivering one text to the webhook, signed as it would be."""
    payload = urlencode(
        {"id": message_id or f"SM{next(_ids)}", "from": sender, "body": body}
    ).encode()
    response = client.post(
        reverse("texts:inbound"),
        data=payload,
        content_type="application/x-www-form-urlencoded",
        headers={"X-Coproduce-Signature": FakeInbound.sign(payload)},
    )
    outbox.relay_due()
    return response


def answers(sms: list[Any]) -> list[str]:
    return [m.body for m in sms if m.to == PHONE]


def last_answer(sms: list[Any]) -> str:
    return answers(sms)[-1]


def vote_of(gate: Any, user: Any) -> Vote | None:
    return Vote.objects.filter(gate=gate, voter=user).first()


# --- The voting text ----------------------------------------------------------------------------


def test_the_voting_text_carries_the_proposal_code_and_how_to_reply_in_two_texts(
    gate: Any, sms: list[Any]
) -> None:
    text = answers(sms)[0]
    assert "Move to delivery with evening drop-ins." in text
    assert f"YES {gate.text_code}" in text and f"NO {gate.text_code}" in text
    assert gate.get_absolute_url() in text
    assert text_length(text) <= 2 * 153


def test_a_long_proposal_is_shortened_so_the_text_still_fits_in_two(
    project: Any, practitioner: Any, expert: Any, texter: Any, sms: list[Any]
) -> None:
    from projects.models import Gate

    gate = open_gate(project, practitioner, expert)
    Gate.objects.filter(pk=gate.pk).update(proposal="We will open the hub. " * 100)
    OutboxMessage.objects.filter(kind=MessageKind.VOTING_OPENED).update(status=OutboxStatus.PENDING)
    sms.clear()
    outbox.relay_due()
    text = answers(sms)[0]
    assert "..." in text and f"PASS {gate.text_code}" in text
    assert text_length(text) <= 2 * 153


def test_fitting_keeps_what_to_do_whole_and_counts_non_gsm_text_in_ucs2() -> None:
    head, tail = "Vote on X. Proposal:", "Reply YES 012."
    # Short enough: the emoji stays, and the texts are counted as UCS-2.
    assert fit_texts(head, "Tenants 😀 decide", tail) == f"{head} Tenants 😀 decide {tail}"
    # Too long: the emoji goes, so the words keep GSM-7's room and are shortened with "...".
    fitted = fit_texts(head, "Tenants 😀 decide " * 40, tail)
    assert fitted.startswith(f"{head} Tenants decide Tenants decide") and fitted.endswith(tail)
    assert "..." in fitted and "😀" not in fitted
    assert text_length(fitted) <= 2 * 153


def test_a_long_tail_never_squeezes_the_members_words_out_because_of_an_emoji() -> None:
    # The help code's text: a long "what to do" and a member's words with an emoji in them.
    head = "coproduce: Priya is recording for you on Night shelter redesign:"
    tail = (
        "If that is right, tell them this code: 143992. Do not reply to this text. If not "
        "right, do not give it. It works until 5 December 2026, 15:47."
    )
    fitted = fit_texts(head, 'your concern: "The beds are too close together 😠".', tail, parts=3)
    assert 'your concern: "The beds are too close together".' in fitted
    # Curly quotes are made plain, so they do not force the shorter UCS-2 texts.
    assert fit_texts("A", "It\u2019s \u201cours\u201d", "B") == 'A It\'s "ours" B'


def test_a_member_whose_number_is_not_checked_is_not_told_to_reply(
    project: Any, practitioner: Any, expert: Any, expert2: Any, sms: list[Any]
) -> None:
    expert2.phone, expert2.phone_verified = PHONE, False
    expert2.save(update_fields=["phone", "phone_verified"])
    NotificationPreference.objects.create(user=expert2, channel="sms")
    open_gate(project, practitioner, expert)
    outbox.relay_due()
    assert "Reply" not in answers(sms)[0]


# --- Replies that vote ----------------------------------------------------------------------------


def test_yes_records_a_vote_by_text_with_a_confirmation_and_history(
    client: Any, gate: Any, texter: Any, sms: list[Any]
) -> None:
    response = send(client, f"Yes {gate.text_code}")
    assert response.status_code == 204
    vote = vote_of(gate, texter)
    assert vote is not None and vote.choice == Choice.APPROVE
    assert vote.channel == VoteChannel.TEXT
    assert "your vote on Housing First in Lambeth" in last_answer(sms)
    assert "is YES" in last_answer(sms)
    cast = Event.objects.get(kind=EventKind.VOTE_CAST, actor=texter)
    assert cast.summary == "Eli voted by text message."
    assert cast.data["channel"] == "text"
    assert "approve" not in str(cast.data) and "YES" not in cast.summary
    confirmed = Event.objects.get(kind=EventKind.TEXT_CONFIRMED)
    assert confirmed.summary == "A text was sent to Eli to confirm their vote."


def test_a_reply_changes_the_vote_until_voting_closes(
    client: Any, gate: Any, texter: Any, sms: list[Any]
) -> None:
    send(client, "YES")
    send(client, "PASS")
    assert vote_of(gate, texter).choice == Choice.ABSTAIN  # type: ignore[union-attr]
    assert "is now PASS" in last_answer(sms)
    send(client, "pass")
    assert "is still PASS" in last_answer(sms)
    assert Event.objects.filter(kind=EventKind.VOTE_CHANGED, actor=texter).count() == 1


def test_no_without_a_reason_asks_why_and_counts_only_when_the_reason_arrives(
    client: Any, gate: Any, texter: Any, sms: list[Any]
) -> None:
    send(client, f"NO {gate.text_code}")
    assert vote_of(gate, texter) is None
    assert "please tell us why you said NO" in last_answer(sms)
    send(client, "Too far from the bus")
    vote = vote_of(gate, texter)
    assert vote is not None and vote.choice == Choice.OBJECT
    assert vote.reason == "Too far from the bus"
    assert "is NO" in last_answer(sms)
    assert not InboundText.objects.filter(awaiting_reason=True).exists()


def test_a_bare_no_says_the_standing_vote_counts_until_the_reason_comes(
    client: Any, gate: Any, texter: Any, sms: list[Any]
) -> None:
    send(client, f"YES {gate.text_code}")
    send(client, f"NO {gate.text_code}")
    assert last_answer(sms).endswith("Until then, your YES still counts.")
    assert vote_of(gate, texter).choice == Choice.APPROVE  # type: ignore[union-attr]


def test_a_reason_that_starts_with_because_is_said_back_once(
    client: Any, gate: Any, texter: Any, sms: list[Any]
) -> None:
    send(client, f"NO {gate.text_code}")
    send(client, "because the bus stops at 6")
    assert 'is NO, "because the bus stops at 6"' in last_answer(sms)
    assert 'because "because' not in last_answer(sms)


def test_no_with_a_reason_in_one_text_objects_at_once(client: Any, gate: Any, texter: Any) -> None:
    send(client, f"no {gate.text_code} too far from the bus")
    vote = vote_of(gate, texter)
    assert vote is not None and (vote.choice, vote.reason) == (
        Choice.OBJECT,
        "too far from the bus",
    )


def test_the_code_may_come_first(client: Any, gate: Any, texter: Any) -> None:
    send(client, f"{gate.text_code} yes.")
    assert vote_of(gate, texter).choice == Choice.APPROVE  # type: ignore[union-attr]


# --- Texts the service cannot act on ------------------------------------------------------------


def test_an_unknown_text_changes_nothing_gets_a_plain_reply_and_reaches_the_co_leads(
    client: Any, project: Any, gate: Any, texter: Any, sms: list[Any]
) -> None:
    send(client, "What time is the meeting?")
    assert vote_of(gate, texter) is None
    assert "we did not understand your text, so nothing changed" in last_answer(sms)
    [text] = InboundText.objects.to_look_at(project.pk)
    assert text.body == "What time is the meeting?" and text.user == texter


def test_a_reply_after_voting_closed_is_refused_by_text(
    client: Any, gate: Any, texter: Any, sms: list[Any]
) -> None:
    with time_machine.travel(deadline(gate) + timedelta(minutes=5)):
        closing.close_due_gates()
        send(client, f"YES {gate.text_code}")
    assert vote_of(gate, texter) is None
    assert "closed" in last_answer(sms) and "not counted" in last_answer(sms)
    assert InboundText.objects.get().outcome == TextOutcome.CLOSED


def test_a_reason_that_arrives_after_the_close_is_not_counted(
    client: Any, gate: Any, texter: Any, sms: list[Any]
) -> None:
    send(client, "NO")
    with time_machine.travel(deadline(gate) + timedelta(minutes=5)):
        closing.close_due_gates()
        send(client, "too far")
    assert vote_of(gate, texter) is None
    assert "not counted" in last_answer(sms)


def test_with_two_votes_open_a_reply_without_a_code_is_answered_with_a_question(
    client: Any,
    project: Any,
    project_factory: Any,
    practitioner: Any,
    practitioner2: Any,
    expert: Any,
    gate: Any,
    texter: Any,
    sms: list[Any],
) -> None:
    from projects.models import Role
    from projects.services import add_member

    other = project_factory(created_by=practitioner)
    add_member(project=other, user=expert, role=Role.EXPERT_BY_EXPERIENCE, actor=practitioner)
    add_member(project=other, user=texter, role=Role.EXPERT_BY_EXPERIENCE, actor=practitioner)
    add_member(project=other, user=practitioner2, role=Role.PRACTITIONER, actor=practitioner)
    second = open_gate(other, practitioner, expert)
    outbox.relay_due()
    send(client, "YES")
    assert not Vote.objects.filter(voter=texter).exists()
    assert gate.text_code in last_answer(sms) and second.text_code in last_answer(sms)
    send(client, f"YES {second.text_code}")
    assert vote_of(second, texter) is not None and vote_of(gate, texter) is None


def test_a_number_we_do_not_know_gets_one_answer_a_day(
    client: Any, gate: Any, sms: list[Any]
) -> None:
    stranger = "+447700900999"
    send(client, "YES", sender=stranger)
    send(client, "YES!!", sender=stranger)
    assert len([m for m in sms if m.to == stranger]) == 1
    assert not Vote.objects.exists()
    assert InboundText.objects.filter(outcome=TextOutcome.UNKNOWN_NUMBER).count() == 2


# --- Delivery: duplicates, forgeries and floods ------------------------------------------------


def test_the_same_text_delivered_twice_counts_once(
    client: Any, gate: Any, texter: Any, sms: list[Any]
) -> None:
    send(client, "NO too far", message_id="SM-same")
    send(client, "NO too far", message_id="SM-same")
    assert InboundText.objects.count() == 1
    assert Vote.objects.filter(voter=texter).count() == 1
    assert len([a for a in answers(sms) if "is NO" in a]) == 1
    assert Event.objects.filter(kind=EventKind.VOTE_CAST).count() == 1


def test_a_forged_webhook_is_refused_and_changes_nothing(
    client: Any, gate: Any, texter: Any, sms: list[Any]
) -> None:
    before = len(sms)
    payload = urlencode({"id": "SM-forged", "from": PHONE, "body": "NO because"}).encode()
    for signature in ("", "0" * 64, FakeInbound.sign(payload, secret="guessed")):
        response = client.post(
            reverse("texts:inbound"),
            data=payload,
            content_type="application/x-www-form-urlencoded",
            headers={"X-Coproduce-Signature": signature},
        )
        assert response.status_code == 403
    assert not InboundText.objects.exists() and not Vote.objects.exists()
    assert len(sms) == before


def test_a_signed_request_with_a_field_missing_is_refused(client: Any, gate: Any) -> None:
    payload = urlencode({"id": "SM1", "from": PHONE}).encode()
    response = client.post(
        reverse("texts:inbound"),
        data=payload,
        content_type="application/x-www-form-urlencoded",
        headers={"X-Coproduce-Signature": FakeInbound.sign(payload)},
    )
    assert response.status_code == 400 and not InboundText.objects.exists()


def test_an_empty_secret_refuses_every_request(client: Any, gate: Any, settings: Any) -> None:
    settings.SMS_WEBHOOK_SECRET = ""
    payload = urlencode({"id": "SM1", "from": PHONE, "body": "YES"}).encode()
    response = client.post(
        reverse("texts:inbound"),
        data=payload,
        content_type="application/x-www-form-urlencoded",
        headers={"X-Coproduce-Signature": FakeInbound.sign(payload, secret="")},
    )
    assert response.status_code == 403


def test_a_phone_sending_too_many_texts_is_kept_but_not_answered(
    client: Any, project: Any, gate: Any, texter: Any, sms: list[Any]
) -> None:
    for n in range(12):
        send(client, f"Hello {n}")
    assert InboundText.objects.count() == 12
    assert InboundText.objects.filter(outcome=TextOutcome.TOO_MANY).count() == 2
    assert len([a for a in answers(sms) if "did not understand" in a]) == 10
    assert InboundText.objects.to_look_at(project.pk).count() == 12


def test_a_flood_from_one_address_is_refused(client: Any, gate: Any, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "inbound_text": "3/m/ip"}
    codes = [send(client, "YES", sender=f"+4477009001{n:02d}").status_code for n in range(4)]
    assert codes == [204, 204, 204, 429]


# --- Reading a reply ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "choice", "code", "words"),
    [
        ("YES", Choice.APPROVE, None, ""),
        ("y 12", Choice.APPROVE, "12", ""),
        ("012 no the bus", Choice.OBJECT, "012", "the bus"),
        ("No, too far", Choice.OBJECT, None, "too far"),
        ("pass", Choice.ABSTAIN, None, ""),
        ("Too far from the bus", None, None, "Too far from the bus"),
        ("NO 2 buses needed", Choice.OBJECT, "2", "buses needed"),
        ("", None, None, ""),
    ],
)
def test_reading_a_reply(body: str, choice: Any, code: Any, words: str) -> None:
    reading = read_reply(body)
    assert (reading.choice, reading.code, reading.words) == (choice, code, words)


# --- Mixed channels ---------------------------------------------------------------------------


def test_web_text_and_assisted_votes_give_the_outcome_decide_gives_over_the_stored_votes(
    client: Any,
    project: Any,
    gate: Any,
    practitioner: Any,
    practitioner2: Any,
    expert: Any,
    texter: Any,
) -> None:
    gates.cast_vote(gate=gate, voter=practitioner, choice=Choice.APPROVE)
    gates.cast_vote(
        gate=gate,
        voter=expert,
        choice=Choice.APPROVE,
        helped=Help(helper=practitioner2, confirmed=True),
    )
    send(client, "NO not enough evening staff")
    gates.cast_vote(gate=gate, voter=practitioner2, choice=Choice.ABSTAIN)
    gate.refresh_from_db()
    assert gate.is_closed
    channels = sorted(Vote.objects.filter(gate=gate).values_list("channel", flat=True))
    assert channels == ["assisted", "text", "web", "web"]
    assert gate.passed == closing.tally(gate).passed


def test_receive_text_stores_even_a_text_too_long_to_keep_whole(gate: Any, texter: Any) -> None:
    text = receive_text(provider="fake", message=InboundMessage("SM-long", PHONE, "x" * 5_000))
    assert len(text.body) == 1_600 and text.outcome == TextOutcome.NOT_UNDERSTOOD


def test_the_admin_hides_a_texted_vote_until_voting_closes(
    client: Any, admin_site: Any, gate: Any, texter: Any
) -> None:
    send(client, "NO the hostel is too far")
    text = InboundText.objects.get()
    page = admin_site.get(reverse("admin:participation_inboundtext_change", args=[text.pk]))
    assert "too far" not in page.content.decode()
    assert "Hidden until voting closes" in page.content.decode()
    with time_machine.travel(deadline(gate) + timedelta(minutes=5)):
        closing.close_due_gates()
        page = admin_site.get(reverse("admin:participation_inboundtext_change", args=[text.pk]))
    assert "too far" in page.content.decode()


def test_erasing_the_account_removes_the_texts_words_and_number_and_keeps_the_vote(
    client: Any, gate: Any, texter: Any
) -> None:
    from participation.services.erasure import erase_account
    from participation.services.my_data import person_record

    send(client, "NO the hostel is too far")
    assert person_record(texter)["texts_sent_in"][0]["text"] == "NO the hostel is too far"
    erase_account(user=texter)
    text = InboundText.objects.get()
    assert (text.body, text.reply, text.sender) == ("Removed at the person's request.", "", "")
    assert Vote.objects.filter(gate=gate, voter=texter).exists()


def test_a_text_with_no_vote_open_reaches_the_co_leads_of_running_projects_only(
    client: Any, project: Any, project_factory: Any, practitioner: Any, texter: Any
) -> None:
    from projects.models import Role, Stage
    from projects.services import add_member, change_stage

    closed = project_factory(created_by=practitioner)
    add_member(project=closed, user=texter, role=Role.EXPERT_BY_EXPERIENCE, actor=practitioner)
    change_stage(project=closed, to=Stage.CLOSED, actor=practitioner, reason="it ended.")
    send(client, "YES")
    text = InboundText.objects.get()
    assert text.outcome == TextOutcome.NO_OPEN_VOTE
    assert list(text.projects.all()) == [project]
    assert list(InboundText.objects.to_look_at(project.pk)) == [text]


# --- Replies that are not votes (found by a new user's try) -----------------------------------


@pytest.mark.parametrize(
    "body", ["YES NO", "no yes", "No thanks", "NO 001 .", "NO 001 \U0001f621", "no ok"]
)
def test_a_text_that_contradicts_itself_or_gives_no_reason_is_not_an_objection(
    client: Any, gate: Any, texter: Any, body: str
) -> None:
    send(client, body.replace("001", gate.text_code))
    assert vote_of(gate, texter) is None


def test_glued_words_and_codes_are_read(client: Any, gate: Any, texter: Any) -> None:
    send(client, f"yes{gate.text_code}")
    assert vote_of(gate, texter).choice == Choice.APPROVE  # type: ignore[union-attr]


def test_a_question_after_a_bare_no_is_not_taken_as_the_reason(
    client: Any, project: Any, gate: Any, texter: Any, sms: list[Any]
) -> None:
    send(client, "NO")
    send(client, "Is the meeting still on Tuesday?")
    assert vote_of(gate, texter) is None
    assert InboundText.objects.to_look_at(project.pk).count() == 1
    send(client, "The hostel is too far from the bus")
    assert vote_of(gate, texter).reason == "The hostel is too far from the bus"  # type: ignore[union-attr]
    # The reason is said back, so a mistake can be put right.
    assert '"The hostel is too far from the bus"' in last_answer(sms)


def test_a_reply_to_a_help_code_text_is_never_a_vote_nor_shown_to_co_leads(
    client: Any, project: Any, gate: Any, texter: Any, practitioner: Any, sms: list[Any]
) -> None:
    from participation.models import HelpKind
    from participation.services.assistance import Details, code_for, record_with_help

    made = record_with_help(
        project=project,
        helper=practitioner,
        member=texter,
        details=Details(kind=HelpKind.VOTE, gate=gate, choice=Choice.OBJECT, reason="Too far"),
    )
    send(client, "Yes that's right")
    send(client, code_for(made))
    assert vote_of(gate, texter) is None
    assert "read it to" in last_answer(sms)
    # The example is the member's own open decision, never a made-up code.
    assert last_answer(sms).endswith(f"for example: YES {gate.text_code}")
    assert not InboundText.objects.to_look_at(project.pk).exists()
    # A vote with its decision's code still counts.
    send(client, f"PASS {gate.text_code}")
    assert vote_of(gate, texter).choice == Choice.ABSTAIN  # type: ignore[union-attr]


def test_stop_switches_texts_off_without_an_answer_and_tells_the_co_leads(
    client: Any, project: Any, gate: Any, texter: Any, sms: list[Any]
) -> None:
    before = len(answers(sms))
    send(client, "Stop")
    assert NotificationPreference.objects.get(user=texter).channel == "email"
    assert len(answers(sms)) == before
    assert InboundText.objects.to_look_at(project.pk).get().outcome == TextOutcome.STOPPED
    send(client, "START")
    assert NotificationPreference.objects.get(user=texter).channel == "sms"
    assert "again" in last_answer(sms)


def test_after_stop_a_texted_vote_counts_and_its_answer_goes_by_email_not_by_text(
    client: Any, gate: Any, texter: Any, sms: list[Any], mailoutbox: list[Any]
) -> None:
    send(client, "STOP")
    before = len(answers(sms))
    send(client, f"YES {gate.text_code}")
    assert vote_of(gate, texter).choice == Choice.APPROVE  # type: ignore[union-attr]
    assert len(answers(sms)) == before  # the provider would refuse it, and we must not try
    assert mailoutbox and "is YES" in " ".join(mailoutbox[-1].body.split())
    # With no email either, it is answered nowhere, and the vote still counts.
    texter.email = None
    texter.save(update_fields=["email"])
    mails = len(mailoutbox)
    send(client, f"NO {gate.text_code} too far")
    assert vote_of(gate, texter).choice == Choice.OBJECT  # type: ignore[union-attr]
    assert (len(answers(sms)), len(mailoutbox)) == (before, mails)
    # START brings the answers back by text.
    send(client, "START")
    send(client, f"PASS {gate.text_code}")
    assert "is now PASS" in last_answer(sms)


def test_help_says_how_to_reply(client: Any, gate: Any, texter: Any, sms: list[Any]) -> None:
    send(client, "help")
    assert f"YES {gate.text_code}" in last_answer(sms) and "STOP" in last_answer(sms)
    assert vote_of(gate, texter) is None


def test_a_text_not_understood_while_a_vote_is_open_keeps_its_words_from_co_leads(
    client: Any, project: Any, practitioner: Any, gate: Any, texter: Any
) -> None:
    send(client, "I'd say yes001 probably")
    client.force_login(practitioner)
    page = client.get(reverse("text_inbox:list", args=[project.slug])).content.decode()
    assert "probably" not in page
