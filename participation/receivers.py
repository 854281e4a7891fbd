"""Signal receivers, connected in ParticipationConfig.ready().

The gate services send their signals inside their own transactions, so the outbox rows these
receivers write commit (or roll back) together with the gate change that caused them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from coproduce.models import User
from projects.models import (
    Gate,
    Membership,
    MembershipQuerySet,
    ObjectionResponse,
    Project,
    Role,
    SignOff,
    Vote,
)

from .messages import webhooks as facts
from .models import MessageKind, WebhookEvent
from .services import outbox, webhooks
from .services.invitations import close_for_member
from .services.notify import notify_users, tell_writer


def _members(gate: Gate, memberships: MembershipQuerySet) -> QuerySet[User]:
    return User.objects.filter(memberships__in=memberships.filter(project_id=gate.project_id))


def _notify(gate: Gate, kind: MessageKind, occasion: str, users: QuerySet[User]) -> None:
    messages = notify_users(
        kind=kind,
        occasion=f"gate:{gate.pk}:{occasion}",
        project=gate.project,
        users=users,
        data={"gate": gate.pk},
    )
    outbox.send_after_commit(messages)


def gate_opened(
    sender: type[Gate], *, gate: Gate, actor: User | None = None, **kwargs: Any
) -> None:
    """Voting members hear that voting is open, and until when; not the co-lead who opened it,
    who is on the decision page with its vote form (the closing reminders still reach them)."""
    voting = _members(gate, Membership.objects.voting())
    if actor is not None:
        voting = voting.exclude(pk=actor.pk)
    _notify(gate, MessageKind.VOTING_OPENED, "opened", voting)


def gate_closed(sender: type[Gate], *, gate: Gate, **kwargs: Any) -> None:
    """Every member hears the result."""
    everyone = _members(gate, Membership.objects.taking_part())
    _notify(gate, MessageKind.DECISION_MADE, "closed", everyone)


def signoff_requested(sender: type[Gate], *, gate: Gate, **kwargs: Any) -> None:
    """The project's commissioners are asked to review the evidence and sign off."""
    commissioners = _members(gate, Membership.objects.taking_part().filter(role=Role.COMMISSIONER))
    _notify(gate, MessageKind.SIGNOFF_REQUESTED, "signoff-requested", commissioners)


def signoff_recorded(sender: type[Gate], *, gate: Gate, signoff: SignOff, **kwargs: Any) -> None:
    """Every member hears whether the co-production was assured, and why; not the commissioner
    who signed off, who would be told of their own sign-off as if someone else had given it."""
    everyone = _members(gate, Membership.objects.taking_part())
    if signoff.commissioner_id is not None:
        everyone = everyone.exclude(pk=signoff.commissioner_id)
    _notify(gate, MessageKind.SIGNOFF_RECORDED, "signoff-recorded", everyone)


def objection_answered(
    sender: type[Vote], *, objection: Vote, response: ObjectionResponse, **kwargs: Any
) -> None:
    """The member who objected hears what was done, or why not."""
    tell_writer(
        project=objection.gate.project,
        writer=objection.voter,
        responder=response.responder,
        item=("vote", objection.pk),
        version=response.version,
    )


def member_joined(sender: type[Membership], *, membership: Membership, **kwargs: Any) -> None:
    """A new member's other invitations to the project close as joined: no reminder, no resend."""
    close_for_member(project=membership.project, user=membership.user)


def account_saved(
    sender: type[User], *, instance: User, update_fields: Any = None, **kwargs: Any
) -> None:
    """Receiver for the User post_save: only when a checked phone number may have changed."""
    changed = update_fields is None or {"phone", "phone_verified"} & set(update_fields)
    if instance.phone and instance.phone_verified and changed:
        # A member invited at this number too: that invitation closes as joined.
        close_for_member(user=instance)


def email_confirmed(sender: Any, *, email_address: Any, **kwargs: Any) -> None:
    """Receiver for allauth's email_confirmed: an invitation to the newly verified address
    closes as joined."""
    close_for_member(user=email_address.user)


# --- Webhooks: one delivery per webhook of the project that asks for the event ---------------


def webhook_gate_opened(sender: type[Gate], *, gate: Gate, **kwargs: Any) -> None:
    webhooks.queue_event(
        project=gate.project,
        event=WebhookEvent.VOTING_OPENED,
        occasion=f"gate:{gate.pk}:opened",
        facts=lambda: facts.facts_voting_opened(gate),
    )


def webhook_gate_closed(sender: type[Gate], *, gate: Gate, **kwargs: Any) -> None:
    webhooks.queue_event(
        project=gate.project,
        event=WebhookEvent.DECISION_MADE,
        occasion=f"gate:{gate.pk}:closed",
        facts=lambda: facts.facts_decision_made(gate),
    )


def webhook_signoff_recorded(
    sender: type[Gate], *, gate: Gate, signoff: SignOff, **kwargs: Any
) -> None:
    webhooks.queue_event(
        project=gate.project,
        event=WebhookEvent.SIGNOFF_RECORDED,
        occasion=f"gate:{gate.pk}:signoff-recorded",
        facts=lambda: facts.facts_signoff_recorded(gate, signoff),
    )


def webhook_stage_changed(
    sender: type[Project], *, project: Project, from_stage: str, to_stage: str, **kwargs: Any
) -> None:
    """A stage is left once (stages only move forward), so from and to name the occasion."""
    webhooks.queue_event(
        project=project,
        event=WebhookEvent.STAGE_CHANGED,
        occasion=f"project:{project.pk}:stage:{from_stage}:{to_stage}",
        facts=lambda: facts.facts_stage_changed(project, from_stage, to_stage),
    )
