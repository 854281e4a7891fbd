"""Votes that give a wanted outcome, decided by the same pure rule the closing service uses.

A loaded gate's outcome is never made up: the ballots are drawn to aim at an outcome, then
`decide` says what they come to, and that is what the gate stores.
"""

from __future__ import annotations

import math
from enum import StrEnum

from coproduce.loading import Plan

from ..decision import BlocBallots, Decision, Rule, RuleKind, decide
from ..models import Bloc, Choice

BLOCS = (Bloc.LIVED, Bloc.LEARNED)


class Aim(StrEnum):
    AGREE = "agree"
    REJECT = "reject"
    NO_QUORUM = "no_quorum"


def needed(rule: Rule, electorate: int) -> int:
    """Votes a bloc must cast for its quorum (as `decide` counts it)."""
    return min(electorate, max(rule.min_votes_per_bloc, math.ceil(rule.quorum * electorate)))


def _agreeing(plan: Plan, rule: Rule, cast: int) -> list[Choice]:
    """`cast` ballots that approve: a few objections and abstentions unless the rule is
    consent, where one objection blocks."""
    objections = 0 if rule.kind == RuleKind.CONSENT else plan.rng.randint(0, (cast - 1) // 3)
    abstentions = plan.rng.randint(0, 1) if cast - objections > 2 else 0
    approvals = cast - objections - abstentions
    return (
        [Choice.APPROVE] * approvals
        + [Choice.OBJECT] * objections
        + [Choice.ABSTAIN] * (abstentions)
    )


def _opposing(plan: Plan, cast: int) -> list[Choice]:
    objections = cast // 2 + 1
    approvals = plan.rng.randint(0, cast - objections)
    return (
        [Choice.OBJECT] * objections
        + [Choice.APPROVE] * approvals
        + [Choice.ABSTAIN] * (cast - objections - approvals)
    )


def draw(
    plan: Plan, rule: Rule, voters: dict[Bloc, list[int]], sizes: dict[Bloc, int], aim: Aim
) -> dict[int, Choice]:
    """Choices for some of `voters` (loader indexes of people who can vote, by bloc) aiming
    at `aim`; `sizes` are the blocs' electorates (people who left still count)."""
    odd_bloc = plan.rng.choice(BLOCS)
    choices: dict[int, Choice] = {}
    for bloc in BLOCS:
        people = list(voters[bloc])
        plan.rng.shuffle(people)
        least = needed(rule, sizes[bloc])
        if aim == Aim.NO_QUORUM and bloc == odd_bloc:
            cast = plan.rng.randint(0, max(least - 1, 0))
            ballots = [plan.rng.choice(list(Choice)) for _n in range(cast)]
            ballots = [Choice.ABSTAIN if b == Choice.OBJECT else b for b in ballots]
        else:
            cast = plan.rng.randint(min(least, len(people)), len(people))
            if aim == Aim.REJECT and bloc == odd_bloc:
                ballots = _opposing(plan, cast)
            else:
                ballots = _agreeing(plan, rule, cast)
        plan.rng.shuffle(ballots)
        choices.update(zip(people[: len(ballots)], ballots, strict=False))
    return choices


def tally(
    rule: Rule, choices: dict[int, Choice], bloc_of: dict[int, Bloc], sizes: dict[Bloc, int]
) -> Decision:
    """What the stored votes come to, as `projects.services.closing.tally` counts them."""
    counts = {bloc: {"approvals": 0, "objections": 0, "abstentions": 0} for bloc in BLOCS}
    field = {
        Choice.APPROVE: "approvals",
        Choice.OBJECT: "objections",
        Choice.ABSTAIN: "abstentions",
    }
    for person, choice in choices.items():
        counts[bloc_of[person]][field[choice]] += 1
    return decide(
        rule,
        lived=BlocBallots(electorate=sizes[Bloc.LIVED], **counts[Bloc.LIVED]),
        learned=BlocBallots(electorate=sizes[Bloc.LEARNED], **counts[Bloc.LEARNED]),
    )


def decided(
    plan: Plan,
    rule: Rule,
    voters: dict[Bloc, list[int]],
    bloc_of: dict[int, Bloc],
    sizes: dict[Bloc, int],
    aim: Aim,
) -> tuple[dict[int, Choice], Decision]:
    """Ballots aimed at `aim` and their decision; a vote meant to pass that came out
    otherwise is drawn again as everyone who can approving."""
    choices = draw(plan, rule, voters, sizes, aim)
    decision = tally(rule, choices, bloc_of, sizes)
    if aim == Aim.AGREE and not decision.passed:
        choices = {person: Choice.APPROVE for bloc in BLOCS for person in voters[bloc]}
        decision = tally(rule, choices, bloc_of, sizes)
    return choices, decision
