"""The checks a decision must pass before its voting may open, each named in plain English.

They guard against tokenism: each group is big enough to be a group, experts by experience
took part in the stage before anything was proposed, and the last decision's objections were
answered. A decision that will need sign-off also needs a commissioner to give it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import evidence
from .models import VOTING_ROLES, Bloc, Choice, Gate, GateStatus, Membership, Role

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
            message=_bloc_size_message(project.pk, len(lived), len(learned)),
        )
    ]
    took_part = evidence.participants(project, gate.from_stage, gate.created_at) & lived
    results.append(
        GuardResult(
            code="lived_participation",
            passed=bool(took_part),
            message=ngettext(
                "Experts by experience must take part in this stage before a decision is "
                "proposed: %(n)d of them did (by attending an activity or adding an idea or "
                "comment).",
                "Experts by experience must take part in this stage before a decision is "
                "proposed: %(n)d of them did (by attending an activity or adding an idea or "
                "comment).",
                len(took_part),
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
            message=ngettext(
                "Every objection to the last decision needs a recorded response. "
                "%(n)d still needs one.",
                "Every objection to the last decision needs a recorded response. "
                "%(n)d still need one.",
                unanswered,
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


def _bloc_size_message(project_id: int, lived: int, learned: int) -> str:
    """The group sizes in words, counted as the members page counts them, and who is missing
    from the count: members whose account was switched off are listed there, marked."""
    words = [
        ngettext(
            "Each group needs at least %(n)d voting member.",
            "Each group needs at least %(n)d voting members.",
            MIN_MEMBERS_PER_BLOC,
        )
        % {"n": MIN_MEMBERS_PER_BLOC},
        _("Now: %(lived)s and %(learned)s.")
        % {
            "lived": ngettext("%(n)d expert by experience", "%(n)d experts by experience", lived)
            % {"n": lived},
            "learned": ngettext("%(n)d practitioner", "%(n)d practitioners", learned)
            % {"n": learned},
        },
    ]
    switched_off = (
        Membership.objects.active()
        .filter(project_id=project_id, role__in=VOTING_ROLES, user__is_active=False)
        .count()
    )
    if switched_off:
        words.append(
            ngettext(
                "%(n)d member is not counted because their account is switched off: the "
                "members page shows who.",
                "%(n)d members are not counted because their accounts are switched off: the "
                "members page shows who.",
                switched_off,
            )
            % {"n": switched_off}
        )
    return " ".join(words)
