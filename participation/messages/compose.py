"""What each kind of message says, in plain English, built from the database when sent.

Each builder returns a `Draft` (the words and the one link that matters) or None when the
occasion has passed: an invitation accepted or renewed since, a gate that closed before its
reminder went, a sign-off already given. A builder raises `Undeliverable` when the message can
never be written as it should be, so the outbox gives up on it at once instead of retrying.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from coproduce.dates import day, moment
from coproduce.site import absolute_url as absolute
from coproduce.sms import fit_texts
from projects.models import (
    Gate,
    Membership,
    ObjectionResponse,
    RecordedResponse,
    Role,
    SignOff,
    Stage,
    Vote,
)
from projects.selectors import gates as gate_reading

from ..models import (
    Activity,
    Answer,
    ContributionResponse,
    MessageKind,
    OutboxMessage,
    Reply,
)
from ..tokens import LinkLost, sent_token


class Undeliverable(Exception):
    """This message can never be sent as it should be; trying again would not help."""


@dataclass(frozen=True)
class Draft:
    subject: str
    paragraphs: list[str]
    action_label: str
    action_url: str
    sms: str
    reason: str
    quote: str = ""
    quote_by: str = ""
    notes: list[str] = field(default_factory=list)


def role_phrase(role: str) -> str:
    return {
        Role.EXPERT_BY_EXPERIENCE: _("an expert by experience"),
        Role.PRACTITIONER: _("a practitioner"),
        Role.COMMISSIONER: _("a commissioner"),
    }[Role(role)]


def role_meaning(role: str) -> str:
    return {
        Role.EXPERT_BY_EXPERIENCE: _(
            "Experts by experience bring what they have lived through. You and the "
            "practitioners make decisions together, with an equal say."
        ),
        Role.PRACTITIONER: _(
            "Practitioners bring what they have learned at work. You and the experts by "
            "experience make decisions together, with an equal say."
        ),
        Role.COMMISSIONER: _(
            "Commissioners check that decisions were truly made together and sign them off. "
            "They do not vote."
        ),
    }[Role(role)]


# --- Invitations ------------------------------------------------------------------------------


def invitation(message: OutboxMessage, now: datetime) -> Draft | None:
    invite = message.invitation
    # A resend bumps send_count, so the message of an older send is never sent late.
    if (
        invite is None
        or not invite.is_pending(now)
        or message.data.get("send") != invite.send_count
    ):
        return None
    project = invite.project.title
    inviter = str(invite.invited_by) if invite.invited_by else ""
    try:
        token = sent_token(invite)
    except LinkLost as error:
        raise Undeliverable(str(error)) from error
    link = absolute(reverse("participation:accept", args=[token]))
    until = day(invite.expires_at)
    reminder = message.kind == MessageKind.INVITATION_REMINDER
    if reminder:
        subject = _("Reminder: you are invited to join %(project)s") % {"project": project}
    elif inviter:
        subject = _("%(name)s invited you to join %(project)s") % {
            "name": inviter,
            "project": project,
        }
    else:
        subject = _("You are invited to join %(project)s") % {"project": project}
    asked = {"project": project, "role": role_phrase(invite.role), "name": inviter}
    paragraphs = [
        _("Hello %(name)s,") % {"name": invite.name} if invite.name else _("Hello,"),
        (
            _("%(name)s has invited you to join “%(project)s” on coproduce as %(role)s.")
            if inviter
            else _("You are invited to join “%(project)s” on coproduce as %(role)s.")
        )
        % asked,
    ]
    if reminder:
        paragraphs.append(
            _("We sent you this invitation on %(date)s and have not heard back yet.")
            % {"date": day(invite.sent_at)}
        )
    paragraphs += [invite.project.summary, role_meaning(invite.role)]
    return Draft(
        subject=subject,
        paragraphs=paragraphs,
        quote=invite.message,
        quote_by=inviter,
        action_label=_("Join the project"),
        action_url=link,
        notes=[
            _(
                "The link works once, until %(date)s. If it has stopped working, ask the "
                "person who invited you to send a new one."
            )
            % {"date": until},
            _("If you were not expecting this, you can ignore it."),
        ],
        sms=_(
            "coproduce: you are invited to join %(project)s. To join, open this link "
            "until %(date)s: %(link)s"
        )
        % {"project": project, "date": until, "link": link},
        reason=_("You get this because someone invited you to a project on coproduce."),
    )


# --- Stage gates ---------------------------------------------------------------------------


def _gate(message: OutboxMessage) -> Gate | None:
    return (
        Gate.objects.select_related("project", "proposed_by")
        .filter(pk=message.data.get("gate"))
        .first()
    )


def _member_reason(gate: Gate) -> str:
    return _("You get this because you are a member of %(project)s.") % {
        "project": gate.project.title
    }


def _moves(gate: Gate) -> dict[str, str]:
    return {
        "project": gate.project.title,
        "from": gate.get_from_stage_display(),
        "to": gate.get_to_stage_display(),
    }


def voting_opened(message: OutboxMessage, now: datetime) -> Draft | None:
    gate = _gate(message)
    if gate is None or not gate.is_open or gate.closes_at is None:
        return None
    words = {
        **_moves(gate),
        "when": moment(gate.closes_at),
        "link": absolute(gate.get_absolute_url()),
    }
    return Draft(
        subject=_("Voting is open: should %(project)s move to %(to)s?") % words,
        paragraphs=[
            _(
                "Experts by experience and practitioners are deciding whether %(project)s "
                "should move from %(from)s to %(to)s."
            )
            % words,
            _("The proposal: %(proposal)s") % {"proposal": gate.proposal},
            _("Voting closes on %(when)s. Your vote counts as much as anyone's.") % words,
        ],
        action_label=_("Read the proposal and vote"),
        action_url=words["link"],
        sms=_voting_text(message, gate, words),
        reason=_member_reason(gate),
    )


def _voting_text(message: OutboxMessage, gate: Gate, words: dict[str, str]) -> str:
    """The text a member gets when voting opens: the proposal and, when their number is
    checked (so a reply can be matched to them), how to vote by replying; at most two texts."""
    user = message.user
    if user is None or not user.phone_verified:
        return (
            _("coproduce: voting is open on moving %(project)s to %(to)s until %(when)s: %(link)s")
            % words
        )
    words = {**words, "code": gate.text_code}
    return fit_texts(
        _("coproduce: vote on moving %(project)s to %(to)s by %(when)s. Proposal:") % words,
        gate.proposal,
        _(
            "Reply YES %(code)s, PASS %(code)s, or NO %(code)s and why, e.g. NO %(code)s too "
            "far from the bus. Or vote at %(link)s"
        )
        % words,
    )


def voting_closing(message: OutboxMessage, now: datetime) -> Draft | None:
    gate = _gate(message)
    if gate is None or not gate.is_open or gate.closes_at is None or now >= gate.closes_at:
        return None
    # Only those who could vote when voting opened, and still hold a voting role, can vote.
    if message.user_id is None or str(message.user_id) not in gate.electorate:
        return None
    if (
        not Membership.objects.voting()
        .filter(project_id=gate.project_id, user_id=message.user_id)
        .exists()
    ):
        return None
    if Vote.objects.filter(gate=gate, voter_id=message.user_id).exists():
        return None
    words = {
        **_moves(gate),
        "when": moment(gate.closes_at),
        "link": absolute(gate.get_absolute_url()),
    }
    return Draft(
        subject=_("Reminder: vote by %(when)s on %(project)s") % words,
        paragraphs=[
            _("You have not voted yet on moving %(project)s from %(from)s to %(to)s.") % words,
            _(
                "Voting closes on %(when)s. If you are not sure, you can abstain: that still "
                "counts towards the number of votes each group needs."
            )
            % words,
        ],
        action_label=_("Vote now"),
        action_url=words["link"],
        sms=(
            _(
                "coproduce reminder: you have not voted on %(project)s yet. Voting closes "
                "%(when)s. Reply YES %(code)s, PASS %(code)s, or NO %(code)s and why, or vote "
                "at %(link)s"
            )
            if message.user is not None and message.user.phone_verified
            else _(
                "coproduce reminder: you have not voted on %(project)s yet. Voting closes "
                "%(when)s: %(link)s"
            )
        )
        % {**words, "code": gate.text_code},
        reason=_member_reason(gate),
    )


def decision_made(message: OutboxMessage, now: datetime) -> Draft | None:
    gate = _gate(message)
    if gate is None or not gate.is_closed:
        return None
    words = {**_moves(gate), "link": absolute(gate.get_absolute_url())}
    paragraphs = [
        _("Voting has closed on moving %(project)s from %(from)s to %(to)s.") % words,
        gate_reading.describe_outcome(gate),
    ]
    if gate.signoff_required:
        paragraphs.append(
            _(
                "Before the project moves on, a commissioner checks that the decision was "
                "truly made together."
            )
        )
    return Draft(
        subject=_("Decision made: %(project)s") % words,
        paragraphs=paragraphs,
        action_label=_("See the result"),
        action_url=words["link"],
        sms=_("coproduce: voting on %(project)s has closed. See the result: %(link)s") % words,
        reason=_member_reason(gate),
    )


def signoff_requested(message: OutboxMessage, now: datetime) -> Draft | None:
    gate = _gate(message)
    if gate is None or not gate_reading.awaits_signoff(gate):
        return None
    link = absolute(reverse("projects:gate_signoff", args=[gate.project.slug, gate.pk]))
    words = {**_moves(gate), "link": link}
    reminder = message.kind == MessageKind.SIGNOFF_REMINDER
    subject = (
        _("Reminder: a decision is waiting for your sign-off (%(project)s)")
        if reminder
        else _("Please sign off: %(project)s")
    )
    return Draft(
        subject=subject % words,
        paragraphs=[
            _(
                "Experts by experience and practitioners agreed to move %(project)s from "
                "%(from)s to %(to)s."
            )
            % words,
            _(
                "Before it moves on, a commissioner needs to check the evidence that the "
                "decision was truly made together, and record a sign-off with reasons."
            ),
        ],
        action_label=_("Review the evidence"),
        action_url=link,
        sms=_("coproduce: %(project)s needs your sign-off to move to %(to)s: %(link)s") % words,
        reason=_member_reason(gate),
    )


def signoff_recorded(message: OutboxMessage, now: datetime) -> Draft | None:
    gate = _gate(message)
    signoff = SignOff.objects.select_related("commissioner").filter(gate=gate).first()
    if gate is None or signoff is None:
        return None
    words = {
        **_moves(gate),
        "name": str(signoff.commissioner or _("A commissioner")),
        "reasons": signoff.reasons,
        "link": absolute(gate.get_absolute_url()),
    }
    if signoff.assured:
        said = _(
            "%(name)s, a commissioner, is assured that the decision to move %(project)s to "
            "%(to)s was truly made together."
        )
    else:
        said = _(
            "%(name)s, a commissioner, could not assure that the decision to move %(project)s "
            "to %(to)s was truly made together. Their reasons: %(reasons)s"
        )
    stage = Stage(gate.project.stage).label
    return Draft(
        subject=_("Sign-off recorded: %(project)s") % words,
        paragraphs=[
            said % words,
            _("The project is now in the %(stage)s stage.") % {"stage": stage},
        ],
        action_label=_("Read the sign-off"),
        action_url=words["link"],
        sms=_("coproduce: a commissioner has signed off the decision on %(project)s: %(link)s")
        % words,
        reason=_member_reason(gate),
    )


# --- "You said, we did" -----------------------------------------------------------------------


def response_recorded(message: OutboxMessage, now: datetime) -> Draft | None:
    """The person who raised an idea, comment or objection hears what was done, or why not.
    A message for a version that has since changed is skipped: the newer one is on its way."""
    found = _answered_item(message.data)
    if found is None:
        return None
    response, said, what, link = found
    if response.version != message.data.get("version"):
        return None
    project = message.project
    words = {
        "project": project.title if project else "",
        "name": str(response.responder or _("A co-lead")),
        "what": what,
        "outcome": str(response.get_outcome_display()).lower(),
        "link": link,
    }
    changed = response.version > 1
    return Draft(
        subject=(
            _("The response to your %(what)s has changed: %(project)s")
            if changed
            else _("You said, we did: a response to your %(what)s in %(project)s")
        )
        % words,
        paragraphs=[
            _("%(name)s answered your %(what)s. What happened: %(outcome)s.") % words,
            f"{response.words_heading}: {response.body}",
        ],
        action_label=_("Read it on the site"),
        action_url=link,
        sms=_("coproduce: your %(what)s in %(project)s has a response (%(outcome)s): %(link)s")
        % words,
        reason=_("You get this because you wrote it in %(project)s.") % words,
        quote=said,
        quote_by=_("You"),
    )


def _answered_item(
    data: dict[str, Any],
) -> tuple[RecordedResponse, str, str, str] | None:
    """The response, what was said, what kind of thing it was, and a link to it."""
    if "contribution" in data:
        answer = (
            ContributionResponse.objects.select_related("responder", "contribution__project")
            .filter(contribution_id=data["contribution"])
            .first()
        )
        if answer is None:
            return None
        item = answer.contribution
        url = reverse("contributions:list", args=[item.project.slug])
        link = absolute(f"{url}#contribution-{item.pk}")
        return answer, item.body, item.get_kind_display().lower(), link
    objection = (
        ObjectionResponse.objects.select_related("responder", "objection__gate__project")
        .filter(objection_id=data.get("vote"))
        .first()
    )
    if objection is None:
        return None
    vote = objection.objection
    link = absolute(f"{vote.gate.get_absolute_url()}#objection-{vote.pk}")
    return objection, vote.reason, str(_("objection")), link


# --- Activities ----------------------------------------------------------------------------


def _activity_of(message: OutboxMessage) -> Activity | None:
    """The activity a message is about, with its project; None if it was deleted."""
    return (
        Activity.objects.select_related("project").filter(pk=message.data.get("activity")).first()
    )


def _activity_words(activity: Activity) -> tuple[str, dict[str, str]]:
    """The activity's page address, and the words every message about it fills in."""
    link = absolute(activity.get_absolute_url())
    words = {
        "title": activity.title,
        "project": activity.project.title,
        "when": moment(activity.starts_at),
        "link": link,
    }
    return link, words


def activity_tomorrow(message: OutboxMessage, now: datetime) -> Draft | None:
    """Skipped when the activity moved, started or was cancelled, or the member has since
    said they will not come."""
    activity = _activity_of(message)
    if (
        activity is None
        or activity.is_cancelled
        or activity.starts_at.isoformat() != message.data.get("starts")
        or activity.has_started(now)
        or Reply.objects.filter(
            activity=activity, user=message.user, answer=Answer.NOT_COMING
        ).exists()
    ):
        return None
    link, words = _activity_words(activity)
    words["where"] = activity.place or _("online, by video call")
    return Draft(
        subject=_("Reminder: %(title)s on %(when)s") % words,
        paragraphs=[
            _("%(title)s for %(project)s starts on %(when)s.") % words,
            _("Where: %(where)s") % words,
            _(
                "If you cannot come, or you need something to take part, please say so on the "
                "activity's page."
            ),
        ],
        action_label=_("See the activity"),
        action_url=link,
        sms=_("coproduce reminder: %(title)s starts %(when)s at %(where)s: %(link)s") % words,
        reason=_("You get this because you are a member of %(project)s.") % words,
    )


def activity_cancelled(message: OutboxMessage, now: datetime) -> Draft | None:
    """A member who said they are coming, or not sure, hears the activity is off, and why
    if the co-lead said."""
    activity = _activity_of(message)
    if activity is None or not activity.is_cancelled:
        return None
    link, words = _activity_words(activity)
    paragraphs = [_("%(title)s for %(project)s on %(when)s is cancelled. Do not go.") % words]
    if activity.cancel_reason:
        paragraphs.append(_("Why: %(reason)s") % {"reason": activity.cancel_reason})
    return Draft(
        subject=_("Cancelled: %(title)s on %(when)s") % words,
        paragraphs=paragraphs,
        action_label=_("See the activity"),
        action_url=link,
        sms=_("coproduce: %(title)s on %(when)s is cancelled. Do not go. %(link)s") % words,
        reason=_("You get this because you said you might come to it."),
    )


BUILDERS: dict[str, Callable[[OutboxMessage, datetime], Draft | None]] = {
    MessageKind.INVITATION: invitation,
    MessageKind.INVITATION_REMINDER: invitation,
    MessageKind.VOTING_OPENED: voting_opened,
    MessageKind.VOTING_CLOSING: voting_closing,
    MessageKind.DECISION_MADE: decision_made,
    MessageKind.SIGNOFF_REQUESTED: signoff_requested,
    MessageKind.SIGNOFF_REMINDER: signoff_requested,
    MessageKind.SIGNOFF_RECORDED: signoff_recorded,
    MessageKind.RESPONSE_RECORDED: response_recorded,
    MessageKind.ACTIVITY_TOMORROW: activity_tomorrow,
    MessageKind.ACTIVITY_CANCELLED: activity_cancelled,
}

Builder = Callable[[OutboxMessage, datetime], Draft | None]


def register(kind: MessageKind, builder: Builder) -> None:
    """Let a later app (evaluation's survey requests) say what its kinds of message say,
    without this app importing it. Registering the same builder again changes nothing."""
    if BUILDERS.get(kind, builder) is not builder:
        raise ValueError(f"{kind} already has a builder.")
    BUILDERS[kind] = builder
