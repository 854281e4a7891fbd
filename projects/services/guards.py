"""The checks a decision must pass before its voting may open, each named in plain English.

They guard against tokenism: each group is big enough to be a group, experts by experience
took part in the stage before the proposal took its present wording, and the last decision's
objections, and the concerns raised in the stage, were answered. The project's rule must be
one each group can meet, and a decision that will need sign-off needs a commissioner to give
it.

The same checks run on the propose page before anything is saved, so a co-lead learns what has
to happen first instead of writing a proposal that cannot open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import evidence, responses
from ..models import VOTING_ROLES, Bloc, Choice, Gate, GateStatus, Membership, Project, Role

MIN_MEMBERS_PER_BLOC = 2


@dataclass(frozen=True)
class GuardResult:
    code: str
    passed: bool
    message: str


def check_guards(gate: Gate) -> list[GuardResult]:
    """The checks a drafted gate must pass before it may open."""
    return check_proposal(gate.project, from_stage=gate.from_stage, proposed_at=gate.proposed_at)


def check_proposal(
    project: Project, *, from_stage: str, proposed_at: datetime
) -> list[GuardResult]:
    """The checks for a proposal to leave `from_stage` worded at `proposed_at`, in page order:
    the group sizes, lived participation, objections answered, a quorum each group can meet,
    and a commissioner when the decision will need sign-off."""
    voters = Membership.objects.filter(project=project).voters_by_bloc()
    lived, learned = voters[Bloc.LIVED], voters[Bloc.LEARNED]
    return [
        GuardResult(
            code="bloc_size",
            passed=len(lived) >= MIN_MEMBERS_PER_BLOC and len(learned) >= MIN_MEMBERS_PER_BLOC,
            message=_bloc_size_message(project.pk, len(lived), len(learned)),
        ),
        _lived_participation(project, from_stage, proposed_at, lived),
        _objections_answered(project, from_stage),
        *_quorum_possible(project, len(lived), len(learned)),
        *_commissioner_present(project, from_stage),
    ]


def _lived_participation(
    project: Project, stage: str, proposed_at: datetime, lived: set[int]
) -> GuardResult:
    took_part = evidence.participants(project, stage, proposed_at) & lived
    if took_part:
        message = ngettext(
            "%(n)d expert by experience has taken part in this stage.",
            "%(n)d experts by experience have taken part in this stage.",
            len(took_part),
        ) % {"n": len(took_part)}
        return GuardResult(code="lived_participation", passed=True, message=message)
    since = evidence.participants(project, stage, timezone.now()) & lived
    if since:
        # The usual way a proposal gets stuck: it was written first and people spoke after.
        message = ngettext(
            "%(n)d expert by experience has taken part since this was proposed. Change the "
            "proposal to take in what they said (saving a change counts as proposing it "
            "afresh), or withdraw it and propose again.",
            "%(n)d experts by experience have taken part since this was proposed. Change the "
            "proposal to take in what they said (saving a change counts as proposing it "
            "afresh), or withdraw it and propose again.",
            len(since),
        ) % {"n": len(since)}
    else:
        message = _(
            "Experts by experience must take part in this stage before a decision is proposed "
            "(by attending an activity or adding an idea or comment). None has yet."
        )
    return GuardResult(code="lived_participation", passed=False, message=message)


def _objections_answered(project: Project, stage: str) -> GuardResult:
    """Objections to the last decision, and concerns or objections raised in the stage being
    left: each needs a recorded response ("not done, because ..." is one) before the project
    may move on. Both count because both are objections a member raised and the project must
    not move past unheard."""
    last_closed = (
        Gate.objects.filter(project=project, status=GateStatus.CLOSED)
        .order_by("-closed_at", "-pk")
        .first()
    )
    unanswered = (
        last_closed.votes.filter(choice=Choice.OBJECT, response__isnull=True).count()
        if last_closed
        else 0
    ) + responses.unanswered_in_stage(project, stage)
    if unanswered == 0:
        return GuardResult(
            code="objections_answered",
            passed=True,
            message=_("No objection or concern is waiting for a response."),
        )
    return GuardResult(
        code="objections_answered",
        passed=False,
        message=ngettext(
            "Every objection to the last decision, and every concern raised in this stage, "
            "needs a recorded response. %(n)d still needs one.",
            "Every objection to the last decision, and every concern raised in this stage, "
            "needs a recorded response. %(n)d still need one.",
            unanswered,
        )
        % {"n": unanswered},
    )


def _quorum_possible(project: Project, lived: int, learned: int) -> list[GuardResult]:
    """Only when it fails: a rule whose quorum a group cannot meet would open a vote that can
    only end undecided (a minimum of 5 votes in a group of 3, say)."""
    rule = Project.rule_from(project.rule_settings())
    short = [
        (name, size, rule.quorum_needed(size))
        for name, size in ((_("experts by experience"), lived), (_("practitioners"), learned))
        # A group below the minimum size is already named by the group-size check.
        if MIN_MEMBERS_PER_BLOC <= size < rule.quorum_needed(size)
    ]
    if not short:
        return []
    name, size, needed = short[0]
    return [
        GuardResult(
            code="quorum_possible",
            passed=False,
            message=ngettext(
                "The decision rule needs at least %(needed)d votes from %(group)s, but the "
                "group has %(size)d voting member. Invite more, or lower the minimum number "
                "of votes in the settings.",
                "The decision rule needs at least %(needed)d votes from %(group)s, but the "
                "group has %(size)d voting members. Invite more, or lower the minimum number "
                "of votes in the settings.",
                size,
            )
            % {"needed": needed, "group": name, "size": size},
        )
    ]


def _commissioner_present(project: Project, from_stage: str) -> list[GuardResult]:
    if not project.signoff_required_leaving(from_stage):
        return []
    # Without a commissioner a passed decision would wait for a sign-off nobody can give.
    return [
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
    ]


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
