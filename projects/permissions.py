"""Who may do what in a project: declared once, granted through django-guardian.

Each project has one guardian group per role and one for its co-leads, holding these
permissions on that project. A member is in the group of their role, plus the co-lead group
when they co-lead. `projects.services.memberships` keeps the groups in step with memberships.

The stage narrows what the grants allow: once a project is closed it is a read-only record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _lazy
from guardian.core import ObjectPermissionChecker

from coproduce.models import User

from .models import Gate, Membership, Project, ProjectRoleGroup, Role, Stage

VIEW_PROJECT = "view_project"
CHANGE_PROJECT = "change_project"
MANAGE_MEMBERS = "manage_members"
MANAGE_GATES = "manage_gates"
VOTE = "vote"
SIGN_OFF = "sign_off"
RECORD_ACTIVITIES = "record_activities"
CONTRIBUTE = "contribute"
VIEW_ACCESS_NEEDS = "view_access_needs"
VIEW_EVALUATION = "view_evaluation"
MANAGE_PAYMENTS = "manage_payments"
CLAIM_EXPENSES = "claim_expenses"
ANSWER_SURVEYS = "answer_surveys"
WRITE_EVALUATION = "write_evaluation"
HELP_MEMBERS = "help_members"

EVERY_MEMBER = frozenset({VIEW_PROJECT, CONTRIBUTE, VIEW_EVALUATION})

# The table: role (or co-lead) -> permissions on the project.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    # Commissioners and other members see nobody's money: a member claims and sees their own
    # expenses; co-leads see everyone's, set the payment policy and decide claims.
    # The two groups that do the work evaluate it: they answer the surveys and write the
    # team's summary and findings. Commissioners read the evaluation and sign off.
    Role.EXPERT_BY_EXPERIENCE: EVERY_MEMBER
    | {VOTE, CLAIM_EXPENSES, ANSWER_SURVEYS, WRITE_EVALUATION},
    # Practitioners and co-leads record a vote, an idea or a reply for an expert by
    # experience who asks for help (participation.services.assistance).
    Role.PRACTITIONER: EVERY_MEMBER
    | {VOTE, RECORD_ACTIVITIES, CLAIM_EXPENSES, ANSWER_SURVEYS, WRITE_EVALUATION, HELP_MEMBERS},
    # Commissioners give assurance; they never vote on gates.
    Role.COMMISSIONER: EVERY_MEMBER | {SIGN_OFF},
    ProjectRoleGroup.CO_LEAD: frozenset(
        {
            CHANGE_PROJECT,
            MANAGE_MEMBERS,
            MANAGE_GATES,
            RECORD_ACTIVITIES,
            VIEW_ACCESS_NEEDS,
            MANAGE_PAYMENTS,
            HELP_MEMBERS,
        }
    ),
}

# What still works once a project is closed: reading, nothing else.
READ_ONLY = frozenset({VIEW_PROJECT, VIEW_EVALUATION, VIEW_ACCESS_NEEDS})
# ...and money: what a project owes is still claimed, decided and paid after it closes, so
# nobody waits for a payment that no one can make. The impact survey is asked when the project
# closes, so it is answered after.
AFTER_CLOSING = READ_ONLY | {MANAGE_PAYMENTS, CLAIM_EXPENSES, ANSWER_SURVEYS}

ALL_PERMISSIONS = frozenset().union(*ROLE_PERMISSIONS.values())

# Why a member was refused, said on the "You cannot do this here" page: who may do it.
WHO_MAY: dict[str, str | Promise] = {
    CHANGE_PROJECT: _lazy("Only the project's co-leads change its settings."),
    MANAGE_MEMBERS: _lazy("Only the project's co-leads manage its members."),
    MANAGE_GATES: _lazy("Only the project's co-leads propose and open decisions."),
    VOTE: _lazy("Experts by experience and practitioners vote; commissioners sign off instead."),
    SIGN_OFF: _lazy("Only the project's commissioners sign off decisions."),
    RECORD_ACTIVITIES: _lazy("Practitioners and co-leads plan activities and record attendance."),
    VIEW_ACCESS_NEEDS: _lazy("Only the project's co-leads see members' access needs."),
    MANAGE_PAYMENTS: _lazy("Only the project's co-leads manage payments."),
    CLAIM_EXPENSES: _lazy("Experts by experience and practitioners claim expenses."),
    ANSWER_SURVEYS: _lazy(
        "Experts by experience and practitioners answer the surveys; commissioners read "
        "the figures in the evaluation report."
    ),
    WRITE_EVALUATION: _lazy(
        "Experts by experience and practitioners write the evaluation; commissioners read it."
    ),
    HELP_MEMBERS: _lazy(
        "Practitioners and co-leads record votes, ideas and replies for experts by experience "
        "who ask for help."
    ),
}
CLOSED = _lazy("This project is closed. You can read everything, but nothing can be changed.")


def allowed_in_stage(perm: str, stage: str) -> bool:
    return stage != Stage.CLOSED or perm in AFTER_CLOSING


@dataclass(frozen=True)
class ProjectAccess:
    """What one signed-in person may do in one project, worked out once per request."""

    project: Project
    membership: Membership
    granted: frozenset[str]

    def can(self, perm: str) -> bool:
        return perm in self.granted and allowed_in_stage(perm, self.project.stage)

    @property
    def perms(self) -> frozenset[str]:
        return frozenset(p for p in self.granted if self.can(p))

    def may_vote_on(self, gate: Gate) -> bool:
        """Whether this person can vote on `gate` now: a voting role in a project still open,
        and a member when voting opened (later joiners have no vote on that decision)."""
        return self.can(VOTE) and gate.in_electorate(self.membership.user_id)

    def page_context(self, nav: str = "", **extra: Any) -> dict[str, Any]:
        """What every project page's template needs: the project, my membership, what I may
        do now (`can.<perm>`) and which tab of the project navigation is current."""
        return {
            "project": self.project,
            "my_membership": self.membership,
            "can": dict.fromkeys(self.perms, True),
            "nav": nav,
            **extra,
        }


def access_project(
    user: User, slug: str, perm: str = VIEW_PROJECT, *, who_may: str | Promise = ""
) -> ProjectAccess:
    """The one door into a project.

    Raises Http404 for anyone who is not a current member, whether or not the project exists,
    so outsiders learn nothing; raises PermissionDenied (403) for a member without `perm`,
    whose message says who may: `who_may` where a page needs its own words (one permission
    can serve several pages), else WHO_MAY[perm].
    """
    membership = get_object_or_404(
        # The record's last check comes in the same query, for the pages that show it.
        Membership.objects.active().select_related("project__record_check"),
        project__slug=slug,
        user=user,
    )
    project = membership.project
    # Only what the project's role groups grant (one query): permissions are only ever granted
    # to those groups, never to a person, so guardian's per-user table is not read; and
    # guardian's get_perms() would hand a site superuser every permission, but a superuser who
    # joined as commissioner must not vote.
    granted = frozenset(ObjectPermissionChecker(user).get_group_perms(project))
    access = ProjectAccess(project=project, membership=membership, granted=granted)
    if VIEW_PROJECT not in granted:
        raise Http404
    if not access.can(perm):
        # The page says why: the project is closed, or who may do this.
        raise PermissionDenied(str(CLOSED if perm in granted else who_may or WHO_MAY.get(perm, "")))
    return access
