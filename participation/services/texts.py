"""Voting by text reply: what the service does with each text a member sends in.

A member whose number is checked gets, when voting opens, the proposal and how to reply:
"YES 012", "NO 012 too far from the bus" or "PASS 012", where 012 is the decision's short
code (`Gate.text_code`). The code may come before or after the word, and may be left out when
the member has only one vote open. A reply changes the vote until voting closes, like the web
form. A NO without a reason is not counted: the member is asked why, and the vote counts when
the reason arrives (in a later text, with or without "NO").

Every text gets one short answer, through the outbox (so a retry never sends two), except
when a phone sends more than the rate limit allows (an auto-reply loop). Each text is stored
once, keyed on the provider's message id, so a provider delivering the same text twice counts
it once. Anything the service cannot act on is shown to the co-leads of the member's projects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce import limits
from coproduce.contact import InvalidContact, normalise_phone
from coproduce.dates import moment
from coproduce.models import User
from coproduce.sms import InboundMessage
from projects.models import (
    Choice,
    Gate,
    GateStatus,
    Membership,
    Project,
    Stage,
    Vote,
    VoteChannel,
)
from projects.services.gates import GateError, cast_vote

from ..models import (
    INBOUND_TEXT_LIMIT,
    Channel,
    ChannelChoice,
    HelpRequest,
    InboundText,
    MessageKind,
    NotificationPreference,
    OutboxMessage,
    TextOutcome,
)
from . import outbox

# The words a reply may start with, in capitals; a text's first word is compared in capitals.
CHOICE_WORDS: dict[str, Choice] = {
    "YES": Choice.APPROVE,
    "Y": Choice.APPROVE,
    "NO": Choice.OBJECT,
    "N": Choice.OBJECT,
    "PASS": Choice.ABSTAIN,
    "ABSTAIN": Choice.ABSTAIN,
}
# How each choice is named back to the voter, in the words they reply with.
REPLY_WORD = {Choice.APPROVE: "YES", Choice.OBJECT: "NO", Choice.ABSTAIN: "PASS"}
# A reply about a decision that closed this long ago or less is told it closed; older ones
# are treated as texts with no vote open.
RECENTLY_CLOSED = timedelta(days=7)


@dataclass(frozen=True)
class Reading:
    """What a text says: a choice word, a decision code, and the remaining words (a reason).
    `mixed` is True when it names two different choices ("YES NO"), which is not a vote."""

    choice: Choice | None
    code: str | None
    words: str
    mixed: bool = False


# "YES012", "no12": a choice word and a code typed without a space.
_GLUED = re.compile(r"^(YES|Y|NO|N|PASS|ABSTAIN)(\d+)$")
# Words that are politeness, not a reason: "NO thanks" is a NO without a reason.
_NOT_A_REASON = frozenset({"thanks", "thank", "you", "ok", "okay", "please", "cheers", "ta", "thx"})


def _bare(word: str) -> str:
    return word.strip(".,!?;:'\"()").upper()


def read_reply(body: str) -> Reading:
    """Read a reply such as "no 012 too far", "012 YES", "yes012" or "Too far from the bus".

    The choice word and the code may be the first two words, in either order; a code is any
    word of digits. Punctuation stuck to them ("Yes.", "012,") is ignored. Words that say
    nothing (punctuation, emoji, "thanks") are no reason.
    """
    words = body.split()
    if words and (glued := _GLUED.match(_bare(words[0]))):
        words = [glued.group(1), glued.group(2), *words[1:]]
    choice: Choice | None = None
    code: str | None = None
    taken = 0
    for word in words[:2]:
        bare = _bare(word)
        if choice is None and bare in CHOICE_WORDS:
            choice = CHOICE_WORDS[bare]
        elif code is None and bare.isdigit() and bare.isascii():
            code = bare
        else:
            break
        taken += 1
    rest = words[taken:]
    mixed = bool(
        choice is not None
        and rest
        and _bare(rest[0]) in CHOICE_WORDS
        and CHOICE_WORDS[_bare(rest[0])] != choice
    )
    reason = " ".join(rest).strip()
    if (
        not limits.has_words(reason)
        or {w.strip(".,!?;:'\"()").lower() for w in rest} <= _NOT_A_REASON
    ):
        reason = ""
    return Reading(choice=choice, code=code, words=reason, mixed=mixed)


@dataclass
class Result:
    outcome: TextOutcome
    reply: str = ""
    gate: Gate | None = None
    awaiting_reason: bool = False
    vote: bool = False
    show_to: list[int] = field(default_factory=list)


def receive_text(
    *, provider: str, message: InboundMessage, flooded: bool = False, now: datetime | None = None
) -> InboundText:
    """Store an inbound text once and act on it: record or change a vote, ask why or which, or
    answer that nothing changed. `flooded` means the sender is over the rate limit: the text
    is kept and shown to co-leads, but not answered. Returns the stored text, which for a
    duplicate delivery is the one stored the first time (nothing is done again)."""
    now = now or timezone.now()
    with transaction.atomic():
        text = InboundText(
            provider=provider,
            message_id=message.message_id[:100],
            sender=message.sender[:32],
            body=message.body[:INBOUND_TEXT_LIMIT],
            received_at=now,
            outcome=TextOutcome.NOT_UNDERSTOOD,
        )
        try:
            with transaction.atomic():
                text.save(force_insert=True)
        except IntegrityError:
            # The provider sent this text before (a retry, or two deliveries at once).
            return InboundText.objects.get(provider=provider, message_id=text.message_id)
        text.user = _member(message.sender)
        result = _act(text, flooded=flooded, now=now)
        text.outcome, text.reply, text.gate = result.outcome, result.reply, result.gate
        text.awaiting_reason = result.awaiting_reason
        text.save(update_fields=["user", "outcome", "reply", "gate", "awaiting_reason"])
        if result.show_to:
            text.projects.set(result.show_to)
        if result.reply:
            _queue_reply(text, vote=result.vote)
    return text


def _member(sender: str) -> User | None:
    """The active account whose checked mobile number sent the text."""
    try:
        number = normalise_phone(sender)
    except InvalidContact:
        return None
    return User.objects.filter(phone=number, phone_verified=True, is_active=True).first()


def _act(text: InboundText, *, flooded: bool, now: datetime) -> Result:
    user = text.user
    if user is None:
        return Result(
            TextOutcome.UNKNOWN_NUMBER,
            _(
                "coproduce: this number is not linked to anyone on coproduce, so your text "
                "changed nothing. If you were invited, ask the person who invited you to add it."
            ),
        )
    open_gates = _open_gates(user, now)
    if flooded:
        return Result(
            TextOutcome.TOO_MANY,
            gate=_context(open_gates),
            show_to=_projects_of(user, open_gates),
        )
    keyword = _bare(text.body.strip()) if len(text.body.split()) <= 2 else ""
    if keyword.split(" ")[0] in STOP_WORDS | START_WORDS | HOW_TO_WORDS:
        return _keyword(user, keyword.split(" ")[0], open_gates)
    reading = read_reply(text.body)
    if reading.mixed:
        return _not_understood(user, open_gates)
    waiting_help = HelpRequest.objects.waiting(now).filter(member=user).first()
    if waiting_help is not None and (reading.choice is None or reading.code is None):
        # Most likely an answer to the code text ("Yes that's right", or the code itself):
        # never a vote, and never shown to co-leads, since it may hold the code.
        return Result(
            TextOutcome.ABOUT_HELP_CODE,
            _(
                "coproduce: nothing changed. Please do not text us the code: read it to "
                "%(helper)s, who is helping you. To vote by text, put the code of the "
                "decision after your vote, for example: YES %(code)s"
            )
            % {
                "helper": waiting_help.helper or _("the person helping you"),
                "code": _example_code(open_gates),
            },
        )
    if reading.choice is None:
        return _reason_for_a_no(text, user, reading, open_gates, now)
    gate = _which(reading.code, open_gates)
    if gate is None:
        return _no_gate(user, reading, open_gates, now)
    if reading.choice == Choice.OBJECT and not reading.words:
        _settle_waiting(user, gate)
        standing = gate.votes.filter(voter=user).values_list("choice", flat=True).first()
        until = (
            _("Until then, your %(choice)s still counts.")
            % {"choice": REPLY_WORD[Choice(standing)]}
            if standing
            else ""
        )
        return Result(
            TextOutcome.ASKED_WHY,
            (
                _(
                    "coproduce: please tell us why you said NO to %(project)s. Reply with your "
                    "reason, for example: NO %(code)s too far from the bus. Your NO counts once "
                    "we have it. %(until)s"
                )
                % {"project": gate.project.title, "code": gate.text_code, "until": until}
            ).strip(),
            gate=gate,
            awaiting_reason=True,
        )
    return _vote(user, gate, reading.choice, reading.words, now)


# The keywords every SMS provider and network honours (Twilio's default opt-out, opt-in and
# help keywords, https://help.twilio.com/articles/223134027).
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT"})
START_WORDS = frozenset({"START", "UNSTOP"})
HOW_TO_WORDS = frozenset({"HELP", "INFO"})


def _keyword(user: User, word: str, open_gates: list[Gate]) -> Result:
    """STOP: no more texts (the member's messages go by email; co-leads are told, so a person
    can reach them another way); START: texts again; HELP: how to reply."""
    if word in STOP_WORDS:
        NotificationPreference.objects.update_or_create(
            user=user, defaults={"channel": ChannelChoice.EMAIL}
        )
        # No answer: after STOP the provider sends its own last text, and we must send none.
        return Result(TextOutcome.STOPPED, show_to=_projects_of(user, open_gates))
    if word in START_WORDS:
        NotificationPreference.objects.update_or_create(
            user=user, defaults={"channel": ChannelChoice.SMS}
        )
        return Result(
            TextOutcome.RESTARTED,
            _("coproduce: you will get our texts again. Text STOP to stop them."),
        )
    example = _example_code(open_gates)
    return Result(
        TextOutcome.HOW_TO,
        _(
            "coproduce: to vote, reply YES, NO or PASS with the decision's code, for example: "
            "YES %(code)s. If NO, add why: NO %(code)s too far from the bus. Text STOP for no "
            "more texts."
        )
        % {"code": example},
    )


def _context(open_gates: list[Gate]) -> Gate | None:
    """The decision a text no one could act on was probably about: its words stay hidden from
    co-leads until that vote closes, since they may say how the member meant to vote."""
    return open_gates[0] if open_gates else None


def _open_gates(user: User, now: datetime) -> list[Gate]:
    """The decisions this member may vote on now, oldest first."""
    gates = (
        Gate.objects.filter(
            status=GateStatus.OPEN,
            closes_at__gt=now,
            project__in=Membership.objects.voting().filter(user=user).values("project_id"),
        )
        .select_related("project")
        .order_by("opened_at", "pk")
    )
    return [gate for gate in gates if gate.in_electorate(user.pk)]


def _which(code: str | None, open_gates: list[Gate]) -> Gate | None:
    if code is None:
        return open_gates[0] if len(open_gates) == 1 else None
    return next((gate for gate in open_gates if gate.text_code == code.zfill(3)), None)


def _projects_of(user: User, open_gates: list[Gate]) -> list[int]:
    """Whose co-leads see a text no one could act on: the projects with a vote open for the
    member, else every project still running that they take part in (a closed project's
    co-leads can no longer act on anything; site staff still see the text in the admin)."""
    if open_gates:
        return sorted({gate.project_id for gate in open_gates})
    return list(
        Membership.objects.taking_part()
        .filter(user=user)
        .exclude(project__stage=Stage.CLOSED)
        .values_list("project_id", flat=True)
    )


def _how_to_reply(code: str) -> str:
    return _("Reply YES, NO or PASS with the code, for example: YES %(code)s") % {"code": code}


def _example_code(open_gates: list[Gate]) -> str:
    """The code of a decision the member can vote on now, so an example never names someone
    else's decision; "123" only when they have none open."""
    return open_gates[0].text_code if open_gates else "123"


def _not_understood(user: User, open_gates: list[Gate]) -> Result:
    example = _example_code(open_gates)
    return Result(
        TextOutcome.NOT_UNDERSTOOD,
        _(
            "coproduce: sorry, we did not understand your text, so nothing changed. %(how)s. "
            "Your project's co-leads will see your text."
        )
        % {"how": _how_to_reply(example)},
        gate=_context(open_gates),
        show_to=_projects_of(user, open_gates),
    )


def _reason_for_a_no(
    text: InboundText, user: User, reading: Reading, open_gates: list[Gate], now: datetime
) -> Result:
    """A text with no YES, NO or PASS: the reason for an earlier NO, if one is waiting."""
    waiting = (
        InboundText.objects.filter(user=user, awaiting_reason=True)
        .exclude(pk=text.pk)
        .select_related("gate__project")
    )
    gates = {t.gate_id: t.gate for t in waiting if t.gate is not None}
    if reading.code is not None:
        gates = {pk: g for pk, g in gates.items() if g.text_code == reading.code.zfill(3)}
    still_open = [g for g in gates.values() if any(g.pk == o.pk for o in open_gates)]
    # A question is not a reason ("Is the meeting still on Tuesday?"): a person answers it,
    # and the NO keeps waiting for its reason.
    if len(still_open) == 1 and reading.words and not reading.words.rstrip().endswith("?"):
        return _vote(user, still_open[0], Choice.OBJECT, reading.words, now)
    if len(still_open) > 1:
        return _ask_which(still_open)
    if gates and not still_open:
        gate = next(iter(gates.values()))
        _settle_waiting(user, gate)
        return _closed(gate)
    return _not_understood(user, open_gates)


def _no_gate(user: User, reading: Reading, open_gates: list[Gate], now: datetime) -> Result:
    """A choice with no decision to apply it to: closed, unknown code, none open, or several."""
    if reading.code is None and len(open_gates) > 1:
        return _ask_which(open_gates)
    closed = (
        Gate.objects.filter(
            status=GateStatus.CLOSED,
            closed_at__gte=now - RECENTLY_CLOSED,
            project__memberships__user=user,
        )
        .select_related("project")
        .order_by("-closed_at")
    )
    for gate in closed:
        if gate.in_electorate(user.pk) and (
            reading.code is None or gate.text_code == reading.code.zfill(3)
        ):
            return _closed(gate)
    if not open_gates:
        return Result(
            TextOutcome.NO_OPEN_VOTE,
            _(
                "coproduce: you have no vote open just now, so your text changed nothing. "
                "Your project's co-leads will see it."
            ),
            show_to=_projects_of(user, open_gates),
        )
    return _not_understood(user, open_gates)


def _ask_which(gates: list[Gate]) -> Result:
    codes = "; ".join(
        _("%(code)s for %(project)s") % {"code": g.text_code, "project": g.project.title}
        for g in gates
    )
    return Result(
        TextOutcome.ASKED_WHICH,
        _(
            "coproduce: you have more than one vote open, so nothing changed. Send your text "
            "again with the code: %(codes)s. For example: YES %(code)s"
        )
        % {"codes": codes, "code": gates[0].text_code},
    )


def _closed(gate: Gate) -> Result:
    when = gate.closed_at or gate.closes_at or timezone.now()
    return Result(
        TextOutcome.CLOSED,
        _("coproduce: voting on %(project)s closed on %(when)s, so your text was not counted.")
        % {"project": gate.project.title, "when": moment(when)},
        gate=gate,
    )


def _settle_waiting(user: User, gate: Gate) -> None:
    """Any NO from this member waiting for its reason on `gate` is no longer waited for."""
    InboundText.objects.filter(user=user, gate=gate, awaiting_reason=True).update(
        awaiting_reason=False
    )


def _vote(user: User, gate: Gate, choice: Choice, reason: str, now: datetime) -> Result:
    before = Vote.objects.filter(gate=gate, voter=user).values_list("choice", "reason").first()
    try:
        vote = cast_vote(
            gate=gate, voter=user, choice=choice, reason=reason, now=now, channel=VoteChannel.TEXT
        )
    except GateError as error:
        return Result(
            TextOutcome.REFUSED,
            _("coproduce: %(why)s") % {"why": error},
            gate=gate,
            show_to=[gate.project_id],
        )
    _settle_waiting(user, gate)
    choice_words = REPLY_WORD[Choice(vote.choice)]
    if vote.choice == Choice.OBJECT:
        # The reason is said back, so a member whose words were taken as a reason by mistake
        # can put it right.
        short = vote.reason if len(vote.reason) <= 60 else f"{vote.reason[:57].rstrip()}..."
        # "NO, because "because the bus"" reads wrongly: the member's own "because" is enough.
        template = (
            _('%(choice)s, "%(reason)s"')
            if short.lower().startswith(("because", "cos ", "as "))
            else _('%(choice)s, because "%(reason)s"')
        )
        choice_words = template % {"choice": choice_words, "reason": short}
    words = {
        "project": gate.project.title,
        "code": gate.text_code,
        "choice": choice_words,
        "when": moment(gate.closes_at or now),
    }
    if before is None:
        outcome = TextOutcome.VOTED
        reply = _(
            "coproduce: thank you, your vote on %(project)s (%(code)s) is %(choice)s. To change "
            "it, text again before %(when)s."
        )
    elif before == (vote.choice, vote.reason):
        outcome = TextOutcome.SAME_VOTE
        reply = _("coproduce: your vote on %(project)s (%(code)s) is still %(choice)s.")
    else:
        outcome = TextOutcome.VOTE_CHANGED
        reply = _(
            "coproduce: your vote on %(project)s (%(code)s) is now %(choice)s. To change it, "
            "text again before %(when)s."
        )
    return Result(outcome, reply % words, gate=gate, vote=True)


def has_stopped_texts(user: User) -> bool:
    """Whether the member's last STOP or START was STOP: the provider then delivers none of
    our texts to them, and we must send none."""
    last = (
        InboundText.objects.filter(
            user=user, outcome__in=[TextOutcome.STOPPED, TextOutcome.RESTARTED]
        )
        .order_by("-received_at", "-pk")
        .values_list("outcome", flat=True)
        .first()
    )
    return last == TextOutcome.STOPPED


def _queue_reply(text: InboundText, *, vote: bool) -> None:
    """One answer per text (one a day to a number we do not know), through the outbox. A
    member who texted STOP is answered by email, or not at all when they have none: their
    vote by text still counts."""
    channel = Channel.SMS
    if text.user_id is None:
        occasion, recipient = f"unknown-number:{text.received_at:%Y-%m-%d}", f"phone:{text.sender}"
    else:
        occasion, recipient = f"text:{text.pk}", f"user:{text.user_id}"
        if text.user is not None and has_stopped_texts(text.user):
            if not text.user.email:
                return
            channel = Channel.EMAIL
    project: Project | None = text.gate.project if vote and text.gate else None
    messages = outbox.queue(
        [
            OutboxMessage(
                kind=MessageKind.TEXT_REPLY,
                occasion=occasion,
                recipient=recipient,
                channel=channel,
                user_id=text.user_id,
                project=project,
                data={"text": text.pk, "vote": vote},
            )
        ]
    )
    outbox.send_after_commit(messages)
