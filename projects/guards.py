"""The checks a decision must pass before its voting may open, each named in plain English.

They guard against tokenism: each group is big enough to be a group, experts by experience
took part in the stage before anything was proposed, and the last decision's objections were
answered. A decision that will need sign-off also needs a commissioner to give it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import evidence
from .models import Bloc, Choice, Gate, GateStatus, Membership, Role

MIN_MEMBERS_PER_BLOC = 2


@dataclass(frozen=True)
class GuardResult:
    code: str
    passed: bool
    message: str


def check_guards(gate: Gate) -> list[GuardResult]:
    """The checks a gate must pass before it may open, each named in plain English: the three
    tokenism guards, and a commissioner to sign off when the decision will need one."""
    project = gate.project
    voters = Membership.objects.filter(project=project).voters_by_bloc()
    lived, learned = voters[Bloc.LIVED], voters[Bloc.LEARNED]
    results = [
        GuardResult(
            code="bloc_size",
            passed=len(lived) >= MIN_MEMBERS_PER_BLOC and len(learned) >= MIN_MEMBERS_PER_BLOC,
            message=_(
                "Each group needs at least %(n)d voting members. Now: %(lived)d experts by "
                "experience and %(learned)d practitioners."
            )
            % {"n": MIN_MEMBERS_PER_BLOC, "lived": len(lived), "learned": len(learned)},
        )
    ]
    took_part = evidence.participants(project, gate.from_stage, gate.created_at) & lived
    results.append(
        GuardResult(
            code="lived_participation",
            passed=bool(took_part),
            message=_(
                "Experts by experience must take part in this stage before a decision is "
                "proposed: %(n)d of them did (by attending an activity or adding an idea or "
                "comment)."
            )
            % {"n": len(took_part)},
        )
    )
    last_closed = (
        Gate.objects.filter(project=project, status=GateStatus.CLOSED)
        .order_by("-closed_at", "-pk")
        .first()
    )
    unanswered = (
        last_closed.votes.filter(choice=Choice.OBJECT, response__isnull=True).count()
        if last_closed
        else 0
    )
    results.append(
        GuardResult(
            code="objections_answered",
            passed=unanswered == 0,
            message=_(
                "Every objection to the last decision needs a recorded response. "
                "%(n)d still need one."
            )
            % {"n": unanswered},
        )
    )
    if project.signoff_required_leaving(gate.from_stage):
        # Without a commissioner a passed decision would wait for a sign-off nobody can give.
        results.append(
            GuardResult(
                code="commissioner_present",
                passed=Membership.objects.taking_part()
                .filter(project=project, role=Role.COMMISSIONER)
                .exists(),
                message=_(
                    "If this passes, a commissioner must sign it off, so the project needs a "
                    "commissioner before voting opens."
                ),
            )
        )
    return results
