"""Who is in a project and in which role: join, change role, co-lead, remove, leave.

Each change takes the project's membership lock (`lock_memberships`), keeps guardian's groups
in step, and is logged. A refused change raises `ProjectError` in plain English.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from coproduce import dates
from coproduce.models import User

from .. import signals
from ..models import (
    VOTING_ROLES,
    EventKind,
    Gate,
    Membership,
    Project,
    ProjectRoleGroup,
    Role,
)
from .errors import ProjectError, refuse_if_closed
from .history import log_event


class NoLongerMember(ProjectError):
    """The membership had already ended."""


def refuse_commissioner_co_lead(role: Role, is_co_lead: bool) -> None:
    # Co-leads propose and open decisions; a commissioner then signs them off, so the two
    # must be different people. Co-leads come from the voting groups (Membership.may_co_lead).
    if is_co_lead and role not in VOTING_ROLES:
        raise ProjectError(
            _("Commissioners cannot be co-leads: co-leads come from the two voting groups.")
        )


def _role_groups(project: Project) -> dict[str, Group]:
    role_groups = ProjectRoleGroup.objects.filter(project=project).select_related("group")
    return {rg.key: rg.group for rg in role_groups}


def _sync_groups(membership: Membership) -> None:
    """Put the member in exactly the groups their current role and co-lead status call for."""
    groups = _role_groups(membership.project)
    wanted: set[str] = set()
    if membership.is_active:
        wanted.add(membership.role)
        if membership.is_co_lead:
            wanted.add(ProjectRoleGroup.CO_LEAD)
    user = membership.user
    user.groups.remove(*[g for key, g in groups.items() if key not in wanted])
    user.groups.add(*[groups[key] for key in wanted])


@transaction.atomic
def add_member(
    *,
    project: Project,
    user: User,
    role: Role | str,
    actor: User | None,
    is_co_lead: bool = False,
) -> Membership:
    """Add someone to a project, or bring back someone who left. Refuses current members."""
    role = Role(role)
    refuse_if_closed(project)
    refuse_commissioner_co_lead(role, is_co_lead)
    membership, created = Membership.objects.select_for_update().get_or_create(
        project=project, user=user, defaults={"role": role, "is_co_lead": is_co_lead}
    )
    if not created:
        if membership.is_active:
            raise ProjectError(_("%(name)s is already a member of this project.") % {"name": user})
        membership.role, membership.is_co_lead = role, is_co_lead
        membership.joined_at, membership.left_at = timezone.now(), None
        membership.save(update_fields=["role", "is_co_lead", "joined_at", "left_at"])
    _sync_groups(membership)
    log_event(
        project=project,
        kind=EventKind.MEMBER_JOINED,
        actor=actor,
        summary=_("%(name)s joined as %(role)s%(lead)s.")
        % {
            "name": user,
            "role": role.label,
            "lead": _(" and co-lead") if is_co_lead else "",
        },
        data={"user": user.pk, "role": role.value, "is_co_lead": is_co_lead},
    )
    signals.member_joined.send(sender=Membership, membership=membership)
    return membership


def lock_memberships(project_id: int) -> None:
    """Lock every membership of a project until the transaction ends.

    Every change to who is in a project takes this lock, and so does opening a vote before it
    reads who may vote: a removal and an opening never interleave, so nobody is removed after
    the electorate was read but before the vote shows as open.
    """
    # Only the membership rows: the model's default ordering would join (and so lock) the
    # project and every member's account row too.
    list(
        Membership.objects.select_for_update(of=("self",))
        .filter(project_id=project_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _locked(membership: Membership) -> Membership:
    """Re-read the membership and lock every membership of its project.

    Locking the whole project's memberships serialises concurrent co-lead changes, so two
    co-leads stepping down at the same moment cannot leave the project with none.
    """
    lock_memberships(membership.project_id)
    fresh = Membership.objects.select_related("project", "user").get(pk=membership.pk)
    refuse_if_closed(fresh.project)
    if not fresh.is_active:
        raise NoLongerMember(_("%(name)s is no longer a member.") % {"name": fresh.user})
    return fresh


LAST_CO_LEAD = _lazy(
    "%(name)s is the only co-lead. Make someone else a co-lead first: a project always needs "
    "at least one."
)
NOT_REMOVED_WHILE_VOTING = _lazy(
    "%(name)s can vote on the decision that is open now, so they cannot be removed until voting "
    "closes on %(when)s. Nobody can change who decides while a vote is open."
)
ROLE_FIXED_WHILE_VOTING = _lazy(
    "%(name)s can vote on the decision that is open now, so their role cannot change until "
    "voting closes on %(when)s. Nobody can change who decides while a vote is open."
)


def last_co_lead_refusal(membership: Membership) -> str | None:
    """Why this member cannot stop being a co-lead (nor leave, nor be removed), or None: they
    are the only co-lead who can act."""
    if membership.is_co_lead and not (
        Membership.objects.co_leads()
        .filter(project_id=membership.project_id)
        .exclude(pk=membership.pk)
        .exists()
    ):
        return str(LAST_CO_LEAD) % {"name": membership.user}
    return None


def voting_refusal(membership: Membership, refusal: str | Promise) -> str | None:
    """`refusal` in words, or None. While a vote is open nobody may remove its voters or change
    their role: that would be a lever over the outcome (make a quorum unreachable, or move
    someone between groups). Leaving by one's own choice stays possible."""
    gate = Gate.objects.open_vote(membership.project_id)
    if gate is not None and gate.in_electorate(membership.user_id) and gate.closes_at:
        return str(refusal) % {
            "name": membership.user,
            "when": dates.moment(gate.closes_at),
        }
    return None


def removal_refusal(membership: Membership) -> str | None:
    """Why a co-lead cannot remove this member now, or None (the remove page asks first)."""
    return last_co_lead_refusal(membership) or voting_refusal(membership, NOT_REMOVED_WHILE_VOTING)


def _refuse(refusal: str | None) -> None:
    if refusal is not None:
        raise ProjectError(refusal)


@transaction.atomic
def change_role(*, membership: Membership, role: Role | str, actor: User) -> Membership:
    """Move a member to another role. Raises ProjectError for a commissioner co-lead, and while
    the member can vote on an open decision."""
    role = Role(role)
    membership = _locked(membership)
    if membership.role == role:
        return membership
    _refuse(voting_refusal(membership, ROLE_FIXED_WHILE_VOTING))
    refuse_commissioner_co_lead(role, membership.is_co_lead)
    old = membership.get_role_display()
    could_vote = membership.can_vote
    membership.role = role
    membership.save(update_fields=["role"])
    _sync_groups(membership)
    log_event(
        project=membership.project,
        kind=EventKind.ROLE_CHANGED,
        actor=actor,
        summary=_("%(name)s's role changed from %(old)s to %(new)s.")
        % {"name": membership.user, "old": old, "new": role.label},
        data={"user": membership.user_id, "from": old, "to": role.value},
    )
    if could_vote and not membership.can_vote:
        signals.stopped_voting.send(sender=Membership, membership=membership)
    return membership


@transaction.atomic
def set_co_lead(*, membership: Membership, is_co_lead: bool, actor: User) -> Membership:
    membership = _locked(membership)
    if membership.is_co_lead == is_co_lead:
        return membership
    if not is_co_lead:
        _refuse(last_co_lead_refusal(membership))
    refuse_commissioner_co_lead(Role(membership.role), is_co_lead)
    membership.is_co_lead = is_co_lead
    membership.save(update_fields=["is_co_lead"])
    _sync_groups(membership)
    log_event(
        project=membership.project,
        kind=EventKind.CO_LEAD_ADDED if is_co_lead else EventKind.CO_LEAD_REMOVED,
        actor=actor,
        summary=(
            _("%(name)s is now a co-lead.") if is_co_lead else _("%(name)s is no longer a co-lead.")
        )
        % {"name": membership.user},
        data={"user": membership.user_id},
    )
    return membership


def _end_membership(
    membership: Membership,
    *,
    actor: User,
    kind: EventKind,
    summary: str,
    while_voting: str | Promise | None = None,
) -> bool:
    """End the membership; False if it had already ended (a second press changes nothing).

    `while_voting` is the refusal to give while the member can vote on an open decision (None
    lets them go: leaving by one's own choice is always possible).
    """
    try:
        membership = _locked(membership)
    except NoLongerMember:
        return False
    _refuse(last_co_lead_refusal(membership))
    if while_voting is not None:
        _refuse(voting_refusal(membership, while_voting))
    could_vote = membership.can_vote
    membership.left_at = timezone.now()
    membership.is_co_lead = False
    membership.save(update_fields=["left_at", "is_co_lead"])
    _sync_groups(membership)
    log_event(
        project=membership.project,
        kind=kind,
        actor=actor,
        summary=summary % {"name": membership.user},
        data={"user": membership.user_id},
    )
    if could_vote:
        signals.stopped_voting.send(sender=Membership, membership=membership)
    return True


@transaction.atomic
def remove_member(*, membership: Membership, actor: User) -> bool:
    return _end_membership(
        membership,
        actor=actor,
        kind=EventKind.MEMBER_REMOVED,
        summary=_("%(name)s was removed from the project."),
        while_voting=NOT_REMOVED_WHILE_VOTING,
    )


@transaction.atomic
def leave_project(*, membership: Membership) -> bool:
    return _end_membership(
        membership,
        actor=membership.user,
        kind=EventKind.MEMBER_LEFT,
        summary=_("%(name)s left the project."),
    )
