"""Records made with help: a practitioner or co-lead records a vote, an idea or a "will you
come?" reply for an expert by experience who asked for help, in person or by phone.

How a record travels:
1. `record_with_help` checks who may help whom and what is recorded, and saves a HelpRequest.
   A member with a checked phone or an email is sent a one-time code (by text first); nothing
   counts yet. A member with neither gets the record at once, marked "not confirmed".
2. The member reads the code back to the person helping, who types it in: `confirm` then makes
   the record the member's own vote, idea or reply, marked as made with help and confirmed.
3. A wrong code counts against MAX_TRIES; the code runs out after CODE_LIFETIME; `resend`
   sends the same code again (and gives it a fresh lifetime) and `cancel` drops the record.

The code is never stored: `code_for` works it out from the row and the site's secret key when
it is sent or checked, so the outbox row, the database and the logs never hold it. The helper
sees only what they recorded, never the member's other votes or whether they had voted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coproduce import limits
from coproduce.dates import moment
from coproduce.models import User
from projects.models import Choice, EventKind, Gate, Membership, Project, Role
from projects.permissions import HELP_MEMBERS, access_project
from projects.services import ProjectError, log_event
from projects.services.gates import Help, cast_vote

from ..models import (
    Activity,
    Answer,
    Channel,
    ContributionKind,
    HelpKind,
    HelpRequest,
    HelpStatus,
    MessageKind,
    OutboxMessage,
)
from . import activities, contributions, outbox

CODE_LIFETIME = timedelta(minutes=30)
MAX_TRIES = 5
# Sending the same code again is for a text that did not arrive, not for guessing.
MAX_SENDS = 3
CODE_DIGITS = 6
_CODE_SALT = "coproduce.participation.help_code"


class AssistanceError(ProjectError):
    """A record with help that was refused; the message is plain English for the helper."""


class AlreadyDone(AssistanceError):
    """Cancelling or sending again after the record was confirmed, recorded or cancelled
    (a double tap, two tabs): nothing to fix, and nothing changed."""


@dataclass(frozen=True)
class Details:
    """What is recorded: a vote (`gate`, `choice`, `reason`), an idea (`contribution_kind`,
    `body`) or a reply (`activity`, `answer`)."""

    kind: HelpKind
    gate: Gate | None = None
    choice: str = ""
    reason: str = ""
    contribution_kind: str = ""
    body: str = ""
    activity: Activity | None = None
    answer: str = ""


# --- The code ---------------------------------------------------------------------------------


def code_for(request: HelpRequest) -> str:
    """The record's six-digit code, worked out from the row and the secret key, never stored."""
    digest = salted_hmac(
        _CODE_SALT, f"{request.pk}:{request.created_at.isoformat()}", algorithm="sha256"
    ).hexdigest()
    return str(int(digest, 16) % 10**CODE_DIGITS).zfill(CODE_DIGITS)


def what_was_recorded(request: HelpRequest) -> str:
    """The record in plain words, as the member hears it: 'your vote is NO on moving ...'."""
    if request.kind == HelpKind.VOTE and request.gate is not None:
        words = {
            "choice": VOTE_WORD[Choice(request.choice)],
            "from": request.gate.get_from_stage_display(),
            "to": request.gate.get_to_stage_display(),
            "reason": request.body,
        }
        if request.body:
            return (
                _('your vote is %(choice)s on moving from %(from)s to %(to)s, because "%(reason)s"')
                % words
            )
        return _("your vote is %(choice)s on moving from %(from)s to %(to)s") % words
    if request.kind == HelpKind.REPLY and request.activity is not None:
        return _('your answer for "%(activity)s" on %(when)s is: %(answer)s') % {
            "activity": request.activity.title,
            "when": moment(request.activity.starts_at),
            "answer": ANSWER_WORDS[Answer(request.answer)],
        }
    kind = ContributionKind(request.contribution_kind or ContributionKind.IDEA)
    return _('your %(kind)s: "%(body)s"') % {"kind": kind.label.lower(), "body": request.body}


VOTE_WORD = {Choice.APPROVE: "YES", Choice.OBJECT: "NO", Choice.ABSTAIN: "PASS"}
ANSWER_WORDS = {
    Answer.COMING: gettext_lazy("coming"),
    Answer.NOT_COMING: gettext_lazy("not coming"),
    Answer.NOT_SURE: gettext_lazy("not sure yet"),
}


# --- Who may help whom ------------------------------------------------------------------------


def check_helper(*, project: Project, helper: User) -> None:
    """Raise AssistanceError unless `helper` may record with help in `project` now."""
    try:
        access_project(helper, project.slug, HELP_MEMBERS)
    except (Http404, PermissionDenied) as error:
        raise AssistanceError(
            _("Only the project's practitioners and co-leads record things with help.")
        ) from error


def members_to_help(*, project: Project, helper: User) -> list[User]:
    """The experts by experience of `project` whom `helper` can record for: active members
    whose account is in use, never the helper themself."""
    return [
        membership.user
        for membership in Membership.objects.active()
        .filter(project=project, role=Role.EXPERT_BY_EXPERIENCE, user__is_active=True)
        .exclude(user=helper)
        .select_related("user")
        .order_by("user__display_name", "user__pk")
    ]


def _check_member(*, project: Project, helper: User, member: User) -> None:
    if member.pk == helper.pk:
        raise AssistanceError(_("You cannot record with help for yourself."))
    is_expert = (
        Membership.objects.active()
        .filter(project=project, user=member, role=Role.EXPERT_BY_EXPERIENCE, user__is_active=True)
        .exists()
    )
    if not is_expert:
        raise AssistanceError(
            _("You can only record with help for an expert by experience in this project.")
        )


def _check_details(*, project: Project, member: User, details: Details, now: datetime) -> None:
    if details.kind == HelpKind.VOTE:
        gate = details.gate
        if gate is None or gate.project_id != project.pk or not gate.is_open:
            raise AssistanceError(_("There is no decision open for votes in this project."))
        if gate.closes_at is not None and gate.closes_at <= now:
            raise AssistanceError(_("Voting on this decision has closed."))
        if not gate.in_electorate(member.pk):
            raise AssistanceError(
                _("%(name)s could not vote on this decision when voting opened.") % {"name": member}
            )
        if details.choice not in Choice.values:
            raise AssistanceError(_("Choose their vote."))
        limits.refuse_too_long(details.reason, limit=limits.VOTE_REASON, error=AssistanceError)
        if details.choice == Choice.OBJECT and not limits.has_words(details.reason):
            raise AssistanceError(_("Write why they object, in their words."))
    elif details.kind == HelpKind.IDEA:
        limits.refuse_too_long(details.body, limit=limits.CONTRIBUTION, error=AssistanceError)
        if not limits.has_words(details.body):
            raise AssistanceError(_("Write their idea or comment, in their words."))
        if details.contribution_kind not in ContributionKind.values:
            raise AssistanceError(_("Choose what kind of thing it is."))
    else:
        activity = details.activity
        if activity is None or activity.project_id != project.pk or activity.is_cancelled:
            raise AssistanceError(_("Choose an activity of this project that is going ahead."))
        if activity.has_started(now):
            raise AssistanceError(_("This activity has started, so replies are closed."))
        if details.answer not in Answer.values:
            raise AssistanceError(_("Choose whether they will come."))


# --- Recording --------------------------------------------------------------------------------


def _code_channel(member: User) -> str:
    """By text to a checked number (unless the member texted STOP), else by email."""
    from .texts import has_stopped_texts  # texts reads help records, so imported here

    if member.phone and member.phone_verified and not has_stopped_texts(member):
        return Channel.SMS
    if member.email:
        return Channel.EMAIL
    return ""


@transaction.atomic
def record_with_help(
    *,
    project: Project,
    helper: User,
    member: User,
    details: Details,
    now: datetime | None = None,
) -> HelpRequest:
    """Record `details` for `member`, at their request, and send them the code to confirm it.

    A member with no checked phone and no email gets the record at once, marked as not
    confirmed. The same record sent again within a minute (a double tap) returns the first
    and sends nothing; a different record for the same decision or activity cancels the
    older one still waiting. Raises AssistanceError saying what is wrong.
    """
    now = now or timezone.now()
    check_helper(project=project, helper=helper)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.is_closed:
        raise AssistanceError(_("This project is closed, so it can no longer be changed."))
    _check_member(project=project, helper=helper, member=member)
    _check_details(project=project, member=member, details=details, now=now)
    body = (details.reason if details.kind == HelpKind.VOTE else details.body).strip()
    fields = {
        "kind": details.kind,
        "gate": details.gate if details.kind == HelpKind.VOTE else None,
        "choice": details.choice if details.kind == HelpKind.VOTE else "",
        "activity": details.activity if details.kind == HelpKind.REPLY else None,
        "answer": details.answer if details.kind == HelpKind.REPLY else "",
        "contribution_kind": details.contribution_kind if details.kind == HelpKind.IDEA else "",
        "body": body if details.kind != HelpKind.REPLY else "",
    }
    mine = HelpRequest.objects.filter(project=project, member=member, helper=helper)
    same = (
        mine.filter(**fields, created_at__gte=now - limits.RESUBMIT_WINDOW)
        .exclude(status=HelpStatus.CANCELLED)
        .first()
    )
    if same is not None:
        return same
    if details.kind != HelpKind.IDEA:
        # One record waits per member and decision (or activity): the newer one is what they
        # want now. Whoever started the older one, it is dropped.
        decision = {"gate": fields["gate"]} if details.kind == HelpKind.VOTE else {}
        decision = decision or {"activity": fields["activity"]}
        for older in HelpRequest.objects.select_for_update().filter(
            project=project, member=member, kind=details.kind, status=HelpStatus.WAITING, **decision
        ):
            _cancel(older, actor=helper, now=now, why=_("a newer record replaced it"))
    via = _code_channel(member)
    request = HelpRequest.objects.create(
        project=project,
        member=member,
        helper=helper,
        created_at=now,
        expires_at=now + CODE_LIFETIME,
        code_sent_by=via,
        **fields,
    )
    if not via:
        _apply(request, confirmed=False, now=now)
        return request
    _log(
        request,
        actor=helper,
        summary=_("%(helper)s recorded %(kind)s for %(name)s; a code was sent by %(via)s.")
        % {
            "helper": helper,
            "kind": request.get_kind_display().lower(),
            "name": member,
            "via": Channel(via).label.lower(),
        },
        step="asked",
    )
    _send_code(request)
    return request


def _send_code(request: HelpRequest) -> None:
    request.sends += 1
    request.save(update_fields=["sends", "expires_at"])
    messages = outbox.queue(
        [
            OutboxMessage(
                kind=MessageKind.HELP_CODE,
                occasion=f"help:{request.pk}:{request.sends}",
                recipient=f"user:{request.member_id}",
                channel=request.code_sent_by,
                user_id=request.member_id,
                project_id=request.project_id,
                # Ids only: the code is worked out when the message is written.
                data={"help": request.pk, "send": request.sends},
            )
        ]
    )
    outbox.send_after_commit(messages)


def _apply(request: HelpRequest, *, confirmed: bool, now: datetime) -> None:
    """Make the record the member's own vote, idea or reply, marked as made with help."""
    if request.helper is None:
        raise AssistanceError(_("The person who recorded this has left, so start again."))
    helped = Help(helper=request.helper, confirmed=confirmed)
    if request.kind == HelpKind.VOTE and request.gate is not None:
        cast_vote(
            gate=request.gate,
            voter=request.member,
            choice=request.choice,
            reason=request.body,
            now=now,
            helped=helped,
        )
    elif request.kind == HelpKind.REPLY and request.activity is not None:
        activities.reply(
            activity=request.activity, user=request.member, answer=request.answer, helped=helped
        )
    elif request.kind == HelpKind.IDEA:
        contributions.add_contribution(
            project=request.project,
            author=request.member,
            kind=request.contribution_kind or ContributionKind.IDEA,
            body=request.body,
            helped=helped,
        )
    else:
        # The decision or activity was deleted with its project; nothing is left to record.
        raise AssistanceError(_("What this was for no longer exists."))
    request.status = HelpStatus.CONFIRMED if confirmed else HelpStatus.NOT_CONFIRMED
    request.done_at = now
    request.save(update_fields=["status", "done_at"])
    words = {
        "helper": request.helper,
        "kind": request.get_kind_display().lower(),
        "name": request.member,
    }
    _log(
        request,
        actor=request.member if confirmed else request.helper,
        summary=(
            _("%(name)s confirmed %(kind)s recorded with help from %(helper)s.")
            if confirmed
            else _(
                "%(helper)s recorded %(kind)s for %(name)s, who has no phone or email to "
                "confirm it: not confirmed."
            )
        )
        % words,
        step="confirmed" if confirmed else "not_confirmed",
    )


def _log(request: HelpRequest, *, actor: User | None, summary: str, step: str) -> None:
    # Never the direction of a vote, and never the code.
    log_event(
        project=request.project,
        kind=EventKind.HELP_RECORDED,
        actor=actor,
        summary=summary,
        data={
            "help": request.pk,
            "kind": request.kind,
            "member": request.member_id,
            "helper": request.helper_id,
            "step": step,
        },
    )


# --- Confirming, sending again, cancelling ----------------------------------------------------


def _locked(request: HelpRequest) -> HelpRequest:
    return (
        HelpRequest.objects.select_for_update(of=("self",))
        .select_related("project", "member", "helper", "gate", "activity")
        .get(pk=request.pk)
    )


def _check_own(request: HelpRequest, helper: User) -> None:
    # Only the person who recorded it sees or acts on it: another helper would learn how the
    # member voted.
    if request.helper_id != helper.pk:
        raise AssistanceError(_("Only the person who recorded this can confirm it."))


def confirm(
    *, request: HelpRequest, helper: User, code: str, now: datetime | None = None
) -> HelpRequest:
    """Check the code the member read back and, when right, make the record theirs.

    Sending the right code again after it was confirmed changes nothing. A wrong code counts:
    after MAX_TRIES wrong ones the record is cancelled. Raises AssistanceError saying why the
    record was not confirmed.
    """
    now = now or timezone.now()
    request, error = _confirm(request=request, helper=helper, code=code.strip(), now=now)
    if error:
        raise AssistanceError(error)
    return request


@transaction.atomic
def _confirm(
    *, request: HelpRequest, helper: User, code: str, now: datetime
) -> tuple[HelpRequest, str]:
    """The checked record and "" or why it was refused. Returns rather than raises, so that a
    wrong try is saved and counted."""
    request = _locked(request)
    _check_own(request, helper)
    if request.status == HelpStatus.CONFIRMED:
        return request, ""
    if request.status != HelpStatus.WAITING:
        return request, _("This record was cancelled. Start again if they still want it.")
    if request.has_expired(now):
        return request, _("The code has run out. Send a new code, or start again.")
    if not constant_time_compare(code, code_for(request)):
        request.failed_attempts += 1
        request.save(update_fields=["failed_attempts"])
        _log(
            request,
            actor=helper,
            summary=_("A wrong code was typed for %(name)s's record made with help.")
            % {"name": request.member},
            step="wrong_code",
        )
        left = MAX_TRIES - request.failed_attempts
        if left <= 0:
            _cancel(request, actor=helper, now=now, why=_("the code was wrong too many times"))
            return request, _(
                "The code was wrong too many times, so nothing was recorded. Start again if "
                "they still want it."
            )
        return request, ngettext(
            "That is not the code we sent. Check it with them and try again (%(left)d try left).",
            "That is not the code we sent. Check it with them and try again (%(left)d tries left).",
            left,
        ) % {"left": left}
    try:
        with transaction.atomic():
            # Either may have left the project, or changed role, while the code travelled.
            check_helper(project=request.project, helper=helper)
            _check_member(project=request.project, helper=helper, member=request.member)
            _apply(request, confirmed=True, now=now)
    except ProjectError as error:
        # The decision closed or the activity started while the code was on its way.
        request.refresh_from_db(fields=["status", "done_at"])
        _cancel(request, actor=helper, now=now, why=str(error))
        return request, _("It could not be recorded: %(why)s") % {"why": error}
    return request, ""


@transaction.atomic
def resend(*, request: HelpRequest, helper: User, now: datetime | None = None) -> HelpRequest:
    """Send the same code again, with a fresh lifetime; pressed again within a minute of sending
    it again, it sends nothing. Raises AssistanceError when the record is no longer waiting or
    the code was sent MAX_SENDS times."""
    now = now or timezone.now()
    request = _locked(request)
    _check_own(request, helper)
    if request.status != HelpStatus.WAITING:
        raise AlreadyDone(str(NOT_WAITING[HelpStatus(request.status)]) % {"name": request.member})
    if request.sends > 1 and now - (request.expires_at - CODE_LIFETIME) < limits.RESUBMIT_WINDOW:
        # "Send again" pressed twice, or a retry on a slow phone: it has just gone again.
        return request
    if request.sends >= MAX_SENDS:
        raise AssistanceError(
            _(
                "The code has been sent %(n)d times, which is the most we send. Cancel this "
                "record and start again: they will get a new code."
            )
            % {"n": request.sends}
        )
    request.expires_at = now + CODE_LIFETIME
    _send_code(request)
    _log(
        request,
        actor=helper,
        summary=_("The code for %(name)s's record made with help was sent again.")
        % {"name": request.member},
        step="resent",
    )
    return request


@transaction.atomic
def cancel(*, request: HelpRequest, helper: User, now: datetime | None = None) -> HelpRequest:
    """Drop a record still waiting for its code. Raises AssistanceError, changing nothing,
    when it was not waiting: a double tap, or it was confirmed meanwhile."""
    request = _locked(request)
    _check_own(request, helper)
    if request.status != HelpStatus.WAITING:
        raise AlreadyDone(str(NOT_WAITING[HelpStatus(request.status)]) % {"name": request.member})
    _cancel(request, actor=helper, now=now or timezone.now(), why=_("the helper cancelled it"))
    return request


# Why sending again or cancelling changed nothing, by what became of the record.
NOT_WAITING = {
    HelpStatus.CONFIRMED: gettext_lazy(
        "%(name)s has already confirmed this record, so nothing was changed."
    ),
    HelpStatus.NOT_CONFIRMED: gettext_lazy(
        "This was already recorded, marked as not confirmed, so nothing was changed."
    ),
    HelpStatus.CANCELLED: gettext_lazy(
        "This record was already cancelled, so nothing was changed."
    ),
    HelpStatus.WAITING: gettext_lazy("This record is still waiting for its code."),
}


def _cancel(request: HelpRequest, *, actor: User, now: datetime, why: str) -> None:
    request.status, request.done_at = HelpStatus.CANCELLED, now
    request.save(update_fields=["status", "done_at"])
    _log(
        request,
        actor=actor,
        summary=_("%(name)s's record made with help was cancelled: %(why)s.")
        % {"name": request.member, "why": why.rstrip(".")},
        step="cancelled",
    )


__all__ = [
    "CODE_LIFETIME",
    "MAX_SENDS",
    "MAX_TRIES",
    "AlreadyDone",
    "AssistanceError",
    "Details",
    "cancel",
    "check_helper",
    "code_for",
    "confirm",
    "members_to_help",
    "record_with_help",
    "resend",
    "what_was_recorded",
]
