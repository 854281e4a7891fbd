"""The gate decision rule (projects/decision.py), tested exhaustively and by property.

The rule is where lived and learned experience share power, so it is checked three ways:
every ballot split of blocs up to five members against an independent oracle, hand-written
examples for every reason, and hypothesis properties for the promises the design makes (a larger
bloc can never outvote the other, the blocs are treated alike, no pass without quorum, ...).
No database is touched: these tests take a few seconds under pytest-django or plain pytest.
"""

from __future__ import annotations

import ast
import dataclasses
import math
import sys
from collections.abc import Callable, Iterator
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from projects import decision as decision_module
from projects.decision import (
    BlocBallots,
    BlocResult,
    Decision,
    Reason,
    Rule,
    RuleKind,
    decide,
    quorum_reachable,
)

# deadline=None: a loaded CI machine must not turn slowness into a failure. database=None: no
# failing examples are replayed from earlier runs, so a run depends only on its printed seed.
FAST = settings(max_examples=200, deadline=None, database=None)

MAX_EXHAUSTIVE_ELECTORATE = 5

Counts = tuple[int, int, int, int]
"""(electorate, approvals, objections, abstentions)"""


# --------------------------------------------------------------------------------------------
# The oracle: written independently of the module, as plain if-chains over integers.
# --------------------------------------------------------------------------------------------


def oracle_has_quorum(quorum: float, min_votes: int, bloc: Counts) -> bool:
    """Quorum without ceil: an integer count reaches ceil(x) exactly when it reaches x."""
    electorate, approvals, objections, abstentions = bloc
    turnout = approvals + objections + abstentions
    if turnout < min_votes:
        return False
    return turnout + 1e-9 >= quorum * electorate


def oracle(
    kind: str, quorum: float, min_votes: int, lived: Counts, learned: Counts
) -> tuple[bool, str]:
    """What the design says should happen, as (passed, reason)."""
    _, la, lo, _ = lived
    _, ga, go, _ = learned
    if not oracle_has_quorum(quorum, min_votes, lived):
        return False, "no_quorum_lived"
    if not oracle_has_quorum(quorum, min_votes, learned):
        return False, "no_quorum_learned"

    if kind == "dual_key":
        if la > lo:
            if ga > go:
                return True, "passed"
            return False, "rejected_by_learned"
        return False, "rejected_by_lived"

    if kind == "parity_weighted":
        # Shares la/ld and ga/gd, compared by cross-multiplying so no division happens.
        ld = la + lo
        gd = ga + go
        if ld == 0 and gd == 0:
            return False, "rejected_by_lived"  # both shares 0: tie, lived named
        if ld == 0:
            # lived share 0; the learned share is at most 1, so 0.5 * share > 0.5 is impossible.
            return False, "rejected_by_lived"
        if gd == 0:
            # learned share 0, lived share at most 1: fails; learned is lower unless lived is 0.
            if la == 0:
                return False, "rejected_by_lived"
            return False, "rejected_by_learned"
        # 0.5 * la/ld + 0.5 * ga/gd > 0.5  <=>  la*gd + ga*ld > ld*gd
        if la * gd + ga * ld > ld * gd:
            return True, "passed"
        if la * gd <= ga * ld:
            return False, "rejected_by_lived"
        return False, "rejected_by_learned"

    if kind == "consent":
        if lo != 0:
            return False, "objection"
        if go != 0:
            return False, "objection"
        if la == 0:
            return False, "rejected_by_lived"
        if ga == 0:
            return False, "rejected_by_learned"
        return True, "passed"

    raise AssertionError(f"unknown kind {kind}")


def all_blocs(max_electorate: int = MAX_EXHAUSTIVE_ELECTORATE) -> Iterator[Counts]:
    """Every (electorate, approvals, objections, abstentions) with ballots <= electorate."""
    for electorate in range(max_electorate + 1):
        for approvals in range(electorate + 1):
            for objections in range(electorate - approvals + 1):
                for abstentions in range(electorate - approvals - objections + 1):
                    yield (electorate, approvals, objections, abstentions)


ALL_BLOCS = list(all_blocs())


def ballots(bloc: Counts) -> BlocBallots:
    electorate, approvals, objections, abstentions = bloc
    return BlocBallots(
        electorate=electorate,
        approvals=approvals,
        objections=objections,
        abstentions=abstentions,
    )


# --------------------------------------------------------------------------------------------
# Exhaustive comparison with the oracle.
# --------------------------------------------------------------------------------------------


def test_exhaustive_enumeration_covers_every_split_of_small_blocs() -> None:
    # C(e + 3, 3) splits for an electorate of e: 1 + 4 + 10 + 20 + 35 + 56.
    assert len(ALL_BLOCS) == 126
    assert len(set(ALL_BLOCS)) == 126


@pytest.mark.parametrize("kind", list(RuleKind))
@pytest.mark.parametrize(
    ("quorum", "min_votes"),
    [(0.5, 2), (0.0, 0)],
    ids=["default-quorum", "no-quorum-at-all"],
)
def test_every_ballot_split_of_blocs_up_to_five_matches_the_oracle(
    kind: RuleKind, quorum: float, min_votes: int
) -> None:
    rule = Rule(kind=kind, quorum=quorum, min_votes_per_bloc=min_votes)
    lived_ballots = [ballots(b) for b in ALL_BLOCS]
    mismatches = []
    for (lived_tuple, lived), (learned_tuple, learned) in product(
        zip(ALL_BLOCS, lived_ballots, strict=True), repeat=2
    ):
        result = decide(rule, lived=lived, learned=learned)
        expected = oracle(kind.value, quorum, min_votes, lived_tuple, learned_tuple)
        if (result.passed, result.reason) != expected:
            mismatches.append((lived_tuple, learned_tuple, result.reason, expected))
    assert mismatches == []


@pytest.mark.parametrize("quorum", [0.0, 0.2, 1 / 3, 0.5, 0.6, 2 / 3, 0.9, 1.0])
@pytest.mark.parametrize("min_votes", [0, 2, 6])
def test_quorum_of_every_small_bloc_matches_the_oracle_for_many_rules(
    quorum: float, min_votes: int
) -> None:
    rule = Rule(quorum=quorum, min_votes_per_bloc=min_votes)
    everyone_approves = BlocBallots(electorate=20, approvals=20)
    for bloc in all_blocs(max_electorate=8):
        lived = decide(rule, lived=ballots(bloc), learned=everyone_approves).lived
        assert lived.quorum_met is oracle_has_quorum(quorum, min_votes, bloc), (bloc, lived)
        assert lived.quorum_needed >= min_votes
        # quorum_needed is the *smallest* turnout that counts.
        assert oracle_has_quorum(quorum, min_votes, (bloc[0], lived.quorum_needed, 0, 0))
        if lived.quorum_needed > 0:
            short = (bloc[0], lived.quorum_needed - 1, 0, 0)
            assert not oracle_has_quorum(quorum, min_votes, short)


@pytest.mark.parametrize("kind", list(RuleKind))
def test_reported_figures_match_the_ballots_for_every_small_bloc(kind: RuleKind) -> None:
    rule = Rule(kind=kind)
    other = BlocBallots(electorate=4, approvals=3, objections=1)
    for bloc in ALL_BLOCS:
        electorate, approvals, objections, abstentions = bloc
        result = decide(rule, lived=ballots(bloc), learned=other)
        figures = result.lived
        assert figures.electorate == electorate
        assert figures.approvals == approvals
        assert figures.objections == objections
        assert figures.abstentions == abstentions
        assert figures.votes_cast == approvals + objections + abstentions
        assert figures.quorum_needed == max(2, math.ceil(electorate / 2))
        decisive = approvals + objections
        expected_share = approvals / decisive if decisive else 0.0
        assert figures.approval_share == pytest.approx(expected_share)
        assert result.learned == BlocResult(
            electorate=4,
            approvals=3,
            objections=1,
            abstentions=0,
            votes_cast=4,
            quorum_needed=2,
            quorum_met=True,
            approval_share=0.75,
        )
        assert result.rule == rule
        assert result.passed is (result.reason == "passed")
        if kind is RuleKind.PARITY_WEIGHTED and figures.quorum_met:
            assert result.weighted_score == pytest.approx(0.5 * expected_share + 0.5 * 0.75)
        else:
            assert result.weighted_score is None


# --------------------------------------------------------------------------------------------
# Hand-written examples, one or more for every reason.
# --------------------------------------------------------------------------------------------


def B(
    electorate: int, approvals: int = 0, objections: int = 0, abstentions: int = 0
) -> BlocBallots:
    """Short constructor so the examples read as tables."""
    return BlocBallots(electorate, approvals, objections, abstentions)


EXAMPLES: list[tuple[str, RuleKind, BlocBallots, BlocBallots, str]] = [
    # --- dual_key ---
    ("both blocs approve", RuleKind.DUAL_KEY, B(3, 2, 1), B(8, 5, 2, 1), "passed"),
    ("lived turnout too low", RuleKind.DUAL_KEY, B(4, 1), B(4, 4), "no_quorum_lived"),
    ("learned turnout too low", RuleKind.DUAL_KEY, B(4, 4), B(10, 4), "no_quorum_learned"),
    ("both too low, lived named first", RuleKind.DUAL_KEY, B(4, 1), B(4, 1), "no_quorum_lived"),
    ("lived objects", RuleKind.DUAL_KEY, B(3, 1, 2), B(3, 3), "rejected_by_lived"),
    ("lived tie is not a majority", RuleKind.DUAL_KEY, B(4, 1, 1), B(3, 3), "rejected_by_lived"),
    ("learned objects", RuleKind.DUAL_KEY, B(3, 3), B(3, 1, 2), "rejected_by_learned"),
    ("both object, lived named", RuleKind.DUAL_KEY, B(3, 0, 2), B(3, 0, 2), "rejected_by_lived"),
    ("lived all abstain", RuleKind.DUAL_KEY, B(2, 0, 0, 2), B(2, 2), "rejected_by_lived"),
    (
        "quorum reported before rejection",
        RuleKind.DUAL_KEY,
        B(3, 3),
        B(5, 0, 1),
        "no_quorum_learned",
    ),
    # --- parity_weighted ---
    ("shares 2/3 and 1", RuleKind.PARITY_WEIGHTED, B(3, 2, 1), B(2, 2), "passed"),
    ("unanimous learned carries split", RuleKind.PARITY_WEIGHTED, B(3, 1, 2), B(3, 3), "passed"),
    ("lived no quorum", RuleKind.PARITY_WEIGHTED, B(6, 2), B(3, 3), "no_quorum_lived"),
    ("learned no quorum", RuleKind.PARITY_WEIGHTED, B(3, 3), B(6, 2), "no_quorum_learned"),
    ("exactly half fails", RuleKind.PARITY_WEIGHTED, B(2, 1, 1), B(2, 1, 1), "rejected_by_lived"),
    (
        "1 and 0 is exactly half",
        RuleKind.PARITY_WEIGHTED,
        B(2, 2),
        B(2, 0, 2),
        "rejected_by_learned",
    ),
    ("0 and 1 is exactly half", RuleKind.PARITY_WEIGHTED, B(2, 0, 2), B(2, 2), "rejected_by_lived"),
    (
        "lower lived share named",
        RuleKind.PARITY_WEIGHTED,
        B(3, 1, 2),
        B(2, 1, 1),
        "rejected_by_lived",
    ),
    (
        "lower learned share named",
        RuleKind.PARITY_WEIGHTED,
        B(2, 1, 1),
        B(3, 1, 2),
        "rejected_by_learned",
    ),
    (
        "all abstain: both shares 0",
        RuleKind.PARITY_WEIGHTED,
        B(2, 0, 0, 2),
        B(2, 0, 0, 2),
        "rejected_by_lived",
    ),
    (
        "thirds that sum to exactly one half do not pass",
        RuleKind.PARITY_WEIGHTED,
        B(3, 1, 2),
        B(3, 2, 1),
        "rejected_by_lived",
    ),
    # --- consent ---
    ("everyone approves", RuleKind.CONSENT, B(3, 3), B(2, 2), "passed"),
    ("abstentions do not block", RuleKind.CONSENT, B(3, 1, 0, 2), B(4, 1, 0, 1), "passed"),
    ("lived no quorum", RuleKind.CONSENT, B(5, 2), B(2, 2), "no_quorum_lived"),
    ("learned no quorum", RuleKind.CONSENT, B(2, 2), B(5, 2), "no_quorum_learned"),
    ("quorum before objection", RuleKind.CONSENT, B(2, 2), B(5, 0, 1), "no_quorum_learned"),
    ("one lived objection", RuleKind.CONSENT, B(5, 4, 1), B(2, 2), "objection"),
    ("one learned objection", RuleKind.CONSENT, B(2, 2), B(5, 4, 1), "objection"),
    ("objection before missing approval", RuleKind.CONSENT, B(2, 0, 0, 2), B(2, 1, 1), "objection"),
    ("lived silent", RuleKind.CONSENT, B(2, 0, 0, 2), B(2, 2), "rejected_by_lived"),
    ("learned silent", RuleKind.CONSENT, B(2, 2), B(2, 0, 0, 2), "rejected_by_learned"),
    ("both silent", RuleKind.CONSENT, B(2, 0, 0, 2), B(2, 0, 0, 2), "rejected_by_lived"),
]


@pytest.mark.parametrize(
    ("kind", "lived", "learned", "reason"),
    [pytest.param(*example[1:], id=f"{example[1].value}: {example[0]}") for example in EXAMPLES],
)
def test_hand_written_examples_give_the_expected_reason(
    kind: RuleKind, lived: BlocBallots, learned: BlocBallots, reason: str
) -> None:
    result = decide(Rule(kind=kind), lived=lived, learned=learned)
    assert result.reason == reason
    assert result.passed is (reason == "passed")


def test_every_reason_is_exercised_by_a_hand_written_example() -> None:
    assert {example[4] for example in EXAMPLES} == {reason.value for reason in Reason}
    for kind in RuleKind:
        reasons = {example[4] for example in EXAMPLES if example[1] is kind}
        assert reasons >= {"passed", "no_quorum_lived", "no_quorum_learned", "rejected_by_lived"}


def test_learned_majority_cannot_outvote_lived_bloc() -> None:
    # Twenty practitioners in favour cannot carry a proposal two experts by experience oppose.
    result = decide(Rule(), lived=B(2, 0, 2), learned=B(20, 20))
    assert not result.passed
    assert result.reason == "rejected_by_lived"


def test_lived_majority_cannot_outvote_learned_bloc() -> None:
    result = decide(Rule(), lived=B(20, 20), learned=B(2, 0, 2))
    assert not result.passed
    assert result.reason == "rejected_by_learned"


def test_parity_weighted_gives_each_bloc_half_the_weight_whatever_its_size() -> None:
    small_unanimous = decide(
        Rule(kind=RuleKind.PARITY_WEIGHTED), lived=B(2, 2), learned=B(30, 10, 20)
    )
    # 0.5 * 1 + 0.5 * 1/3 = 2/3: the two lived votes weigh as much as the thirty learned ones.
    assert small_unanimous.passed
    assert small_unanimous.weighted_score == pytest.approx(2 / 3)


def test_parity_weighted_exact_half_is_not_a_pass_despite_float_thirds() -> None:
    # float(1/3) + float(2/3) rounds; the module must compare exactly.
    result = decide(Rule(kind=RuleKind.PARITY_WEIGHTED), lived=B(3, 1, 2), learned=B(3, 2, 1))
    assert not result.passed
    assert result.weighted_score == pytest.approx(0.5)


def test_quorum_needs_half_of_each_bloc_rounded_up_with_a_floor_of_two() -> None:
    rule = Rule()
    assert [rule.quorum_needed(n) for n in range(8)] == [2, 2, 2, 2, 2, 3, 3, 4]


def test_quorum_share_is_not_inflated_by_float_error() -> None:
    # 0.28 * 25 == 7.000000000000001 in floating point; seven votes are enough.
    assert Rule(quorum=0.28, min_votes_per_bloc=0).quorum_needed(25) == 7
    assert Rule(quorum=0.07, min_votes_per_bloc=0).quorum_needed(100) == 7
    assert Rule(quorum=0.55, min_votes_per_bloc=0).quorum_needed(100) == 55


def test_quorum_for_every_whole_percentage_and_bloc_up_to_a_hundred_is_exact() -> None:
    # Integer oracle: the smallest k with k / electorate >= percent / 100.
    for percent in range(101):
        rule = Rule(quorum=percent / 100, min_votes_per_bloc=0)
        for electorate in range(101):
            expected = next(k for k in range(electorate + 1) if 100 * k >= percent * electorate)
            assert rule.quorum_needed(electorate) == expected, (percent, electorate)


def test_bloc_smaller_than_the_minimum_votes_can_never_reach_quorum() -> None:
    result = decide(Rule(), lived=B(1, 1), learned=B(3, 3))
    assert result.reason == "no_quorum_lived"
    assert result.lived.quorum_needed == 2


def test_abstentions_count_towards_quorum_but_not_towards_either_side() -> None:
    result = decide(Rule(), lived=B(4, 1, 0, 3), learned=B(2, 1, 0, 1))
    assert result.passed
    assert result.lived.votes_cast == 4
    assert result.lived.approval_share == 1.0


def test_rule_defaults_are_dual_key_half_quorum_and_two_votes() -> None:
    assert Rule() == Rule(kind=RuleKind.DUAL_KEY, quorum=0.5, min_votes_per_bloc=2)


def test_rule_kind_may_be_given_as_its_stored_string() -> None:
    rule = Rule(kind="consent")  # type: ignore[arg-type]
    assert rule.kind is RuleKind.CONSENT
    assert Rule(kind="parity_weighted") == Rule(kind=RuleKind.PARITY_WEIGHTED)  # type: ignore[arg-type]


def test_reasons_compare_equal_to_the_plain_strings_in_the_design() -> None:
    result = decide(Rule(), lived=B(2, 2), learned=B(2, 2))
    assert result.reason == "passed"
    assert isinstance(result.reason, str)
    assert [r.value for r in Reason] == [
        "passed",
        "no_quorum_lived",
        "no_quorum_learned",
        "rejected_by_lived",
        "rejected_by_learned",
        "objection",
    ]


def test_integer_quorum_is_accepted_and_stored_as_a_float() -> None:
    assert Rule(quorum=1).quorum == 1.0
    assert isinstance(Rule(quorum=0).quorum, float)


def test_decisions_and_inputs_cannot_be_changed_after_the_fact() -> None:
    result = decide(Rule(), lived=B(2, 2), learned=B(2, 2))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.passed = False  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.lived.approvals = 0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        B(2).approvals = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Rule().quorum = 0.0  # type: ignore[misc]


def test_decision_module_imports_only_the_standard_library() -> None:
    tree = ast.parse(Path(decision_module.__file__ or "").read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative imports would reach into the Django app"
            imported.add((node.module or "").split(".")[0])
    assert imported
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


# --------------------------------------------------------------------------------------------
# Hypothesis properties.
# --------------------------------------------------------------------------------------------


@st.composite
def bloc_ballots(
    draw: st.DrawFn,
    max_count: int = 15,
    min_abstentions: int = 0,
    min_non_voters: int = 0,
    opposed: bool = False,
) -> BlocBallots:
    """A valid bloc, built from its counts so that nothing has to be filtered out.

    ``opposed`` gives a bloc whose approvals do not outnumber its objections.
    """
    counts = st.integers(min_value=0, max_value=max_count)
    approvals = draw(counts)
    # No objection at all half of the time, or consent would hardly ever pass.
    objections = approvals + draw(counts) if opposed else draw(st.just(0) | counts)
    abstentions = draw(st.integers(min_value=min_abstentions, max_value=max_count))
    non_voters = draw(st.integers(min_value=min_non_voters, max_value=max_count))
    electorate = approvals + objections + abstentions + non_voters
    return BlocBallots(electorate, approvals, objections, abstentions)


rules = st.builds(
    Rule,
    kind=st.sampled_from(RuleKind),
    quorum=st.one_of(
        st.sampled_from([0.0, 0.1, 1 / 3, 0.5, 2 / 3, 1.0]),
        st.floats(min_value=0.0, max_value=1.0),
    ),
    min_votes_per_bloc=st.integers(min_value=0, max_value=5),
)

MIRROR = {
    "passed": "passed",
    "objection": "objection",
    "no_quorum_lived": "no_quorum_learned",
    "no_quorum_learned": "no_quorum_lived",
    "rejected_by_lived": "rejected_by_learned",
    "rejected_by_learned": "rejected_by_lived",
}


@FAST
@given(
    rule=rules.map(lambda r: dataclasses.replace(r, kind=RuleKind.DUAL_KEY)),
    opposing=bloc_ballots(opposed=True),
    other=bloc_ballots(max_count=500),
)
def test_dual_key_larger_bloc_can_never_outvote_the_other(
    rule: Rule, opposing: BlocBallots, other: BlocBallots
) -> None:
    as_lived = decide(rule, lived=opposing, learned=other)
    as_learned = decide(rule, lived=other, learned=opposing)
    assert not as_lived.passed
    assert not as_learned.passed
    # The reason is a missing quorum or the opposing bloc; the other bloc is named instead only
    # when it did not approve either and, being lived, comes first.
    assert as_lived.reason in {"no_quorum_lived", "no_quorum_learned", "rejected_by_lived"}
    other_also_opposed = other.approvals <= other.objections
    allowed = {"no_quorum_lived", "no_quorum_learned", "rejected_by_learned"}
    if other_also_opposed:
        allowed.add("rejected_by_lived")
    assert as_learned.reason in allowed


@FAST
@given(rule=rules, lived=bloc_ballots(), learned=bloc_ballots())
def test_blocs_are_treated_alike_when_swapped(
    rule: Rule, lived: BlocBallots, learned: BlocBallots
) -> None:
    forward = decide(rule, lived=lived, learned=learned)
    swapped = decide(rule, lived=learned, learned=lived)
    assert forward.passed == swapped.passed
    assert forward.lived == swapped.learned
    assert forward.learned == swapped.lived
    if forward.weighted_score is not None:
        assert swapped.weighted_score == pytest.approx(forward.weighted_score)

    # The reason mirrors, except where both blocs share the fault: then lived is named both ways.
    both_short_of_quorum = not forward.lived.quorum_met and not forward.learned.quorum_met
    both_at_fault = {
        RuleKind.DUAL_KEY: lived.approvals <= lived.objections
        and learned.approvals <= learned.objections,
        RuleKind.PARITY_WEIGHTED: forward.lived.approval_share == forward.learned.approval_share,
        RuleKind.CONSENT: lived.approvals == 0 and learned.approvals == 0,
    }[rule.kind]
    if both_short_of_quorum:
        assert forward.reason == swapped.reason == "no_quorum_lived"
    elif forward.reason.startswith("rejected") and both_at_fault:
        assert forward.reason == swapped.reason == "rejected_by_lived"
    else:
        assert swapped.reason == MIRROR[forward.reason]


@FAST
@given(rule=rules, lived=bloc_ballots(), learned=bloc_ballots())
def test_no_rule_passes_without_quorum_and_approvals_in_both_blocs(
    rule: Rule, lived: BlocBallots, learned: BlocBallots
) -> None:
    result = decide(rule, lived=lived, learned=learned)
    if result.passed:
        assert result.lived.quorum_met
        assert result.learned.quorum_met
        # Nor without approvals: under parity one bloc may be split, never silent on both sides.
        if rule.kind is RuleKind.PARITY_WEIGHTED:
            assert lived.approvals + learned.approvals > 0
        else:
            assert lived.approvals > 0
            assert learned.approvals > 0
    if not result.lived.quorum_met:
        assert result.reason == "no_quorum_lived"
    elif not result.learned.quorum_met:
        assert result.reason == "no_quorum_learned"


@FAST
@given(
    rule=rules.map(lambda r: dataclasses.replace(r, kind=RuleKind.CONSENT)),
    objecting=bloc_ballots().map(
        lambda b: dataclasses.replace(b, electorate=b.electorate + 1, objections=b.objections + 1)
    ),
    other=bloc_ballots(),
    objecting_bloc=st.sampled_from(["lived", "learned"]),
)
def test_any_objection_fails_consent(
    rule: Rule, objecting: BlocBallots, other: BlocBallots, objecting_bloc: str
) -> None:
    if objecting_bloc == "lived":
        result = decide(rule, lived=objecting, learned=other)
    else:
        result = decide(rule, lived=other, learned=objecting)
    assert not result.passed
    assert result.reason in {"no_quorum_lived", "no_quorum_learned", "objection"}


def with_one_more_approval(bloc: BlocBallots, source: str) -> BlocBallots | None:
    """The bloc after one abstainer or one non-voter approves instead; None when impossible."""
    if source == "abstainer" and bloc.abstentions > 0:
        return dataclasses.replace(
            bloc, approvals=bloc.approvals + 1, abstentions=bloc.abstentions - 1
        )
    if source == "non-voter" and bloc.votes_cast < bloc.electorate:
        return dataclasses.replace(bloc, approvals=bloc.approvals + 1)
    return None


@FAST
@given(
    rule=rules,
    changing=bloc_ballots(min_abstentions=1, min_non_voters=1),
    other=bloc_ballots(),
    changing_bloc=st.sampled_from(["lived", "learned"]),
    source=st.sampled_from(["abstainer", "non-voter"]),
)
def test_an_extra_approval_never_turns_a_pass_into_a_fail(
    rule: Rule, changing: BlocBallots, other: BlocBallots, changing_bloc: str, source: str
) -> None:
    changed = with_one_more_approval(changing, source)
    assert changed is not None  # the strategy leaves room for one more approval
    if changing_bloc == "lived":
        before = decide(rule, lived=changing, learned=other)
        after = decide(rule, lived=changed, learned=other)
    else:
        before = decide(rule, lived=other, learned=changing)
        after = decide(rule, lived=other, learned=changed)
    if before.passed:
        assert after.passed


@pytest.mark.parametrize("kind", list(RuleKind))
def test_an_extra_approval_never_turns_a_pass_into_a_fail_for_any_small_bloc(
    kind: RuleKind,
) -> None:
    rule = Rule(kind=kind)
    learned = BlocBallots(electorate=3, approvals=2, objections=1)
    for bloc in ALL_BLOCS:
        lived = ballots(bloc)
        if not decide(rule, lived=lived, learned=learned).passed:
            continue
        for source in ("abstainer", "non-voter"):
            changed = with_one_more_approval(lived, source)
            if changed is not None:
                assert decide(rule, lived=changed, learned=learned).passed, (bloc, source)


# --------------------------------------------------------------------------------------------
# Invalid input.
# --------------------------------------------------------------------------------------------

INVALID: list[tuple[str, Callable[[], Any], str]] = [
    ("negative electorate", lambda: BlocBallots(electorate=-1), "negative"),
    ("negative approvals", lambda: BlocBallots(electorate=3, approvals=-1), "negative"),
    ("negative objections", lambda: BlocBallots(electorate=3, objections=-2), "negative"),
    ("negative abstentions", lambda: BlocBallots(electorate=3, abstentions=-1), "negative"),
    ("more ballots than members", lambda: BlocBallots(2, 1, 1, 1), "only 2 voting members"),
    ("ballots in an empty bloc", lambda: BlocBallots(0, 1), "only 0 voting members"),
    ("fractional count", lambda: BlocBallots(3, 1.0), "whole number"),  # type: ignore[arg-type]
    ("boolean count", lambda: BlocBallots(3, True), "whole number"),
    ("text count", lambda: BlocBallots("3"), "whole number"),  # type: ignore[arg-type]
    ("quorum above one", lambda: Rule(quorum=1.01), "between 0 and 1"),
    ("quorum below zero", lambda: Rule(quorum=-0.1), "between 0 and 1"),
    ("quorum as a percentage", lambda: Rule(quorum=50), "between 0 and 1"),
    ("quorum not a number", lambda: Rule(quorum=math.nan), "between 0 and 1"),
    ("quorum infinite", lambda: Rule(quorum=math.inf), "between 0 and 1"),
    ("quorum as text", lambda: Rule(quorum="0.5"), "number"),  # type: ignore[arg-type]
    ("quorum as boolean", lambda: Rule(quorum=True), "number"),
    ("negative minimum votes", lambda: Rule(min_votes_per_bloc=-1), "negative"),
    ("fractional minimum votes", lambda: Rule(min_votes_per_bloc=1.5), "whole number"),  # type: ignore[arg-type]
    ("unknown rule kind", lambda: Rule(kind="majority"), "must be one of"),  # type: ignore[arg-type]
    ("rule kind in wrong case", lambda: Rule(kind="DUAL_KEY"), "must be one of"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(
    ("build", "message"), [pytest.param(*case[1:], id=case[0]) for case in INVALID]
)
def test_invalid_input_is_refused_with_a_plain_english_value_error(
    build: Callable[[], Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build()


@FAST
@given(
    field=st.sampled_from(["electorate", "approvals", "objections", "abstentions"]),
    value=st.integers(max_value=-1),
)
def test_any_negative_count_is_refused(field: str, value: int) -> None:
    counts = {"electorate": 100, "approvals": 1, "objections": 1, "abstentions": 1, field: value}
    with pytest.raises(ValueError, match="negative"):
        BlocBallots(**counts)


@FAST
@given(bloc=bloc_ballots(), extra=st.integers(min_value=1, max_value=50))
def test_any_ballot_count_above_the_electorate_is_refused(bloc: BlocBallots, extra: int) -> None:
    with pytest.raises(ValueError, match="voting members"):
        dataclasses.replace(bloc, abstentions=bloc.electorate - bloc.decisive + extra)


@FAST
@given(
    quorum=st.one_of(
        st.floats(max_value=1.0, exclude_max=True, allow_nan=False).map(lambda q: q - 1.0),
        st.floats(min_value=1.0, exclude_min=True),
        st.just(math.nan),
    )
)
def test_any_quorum_outside_zero_to_one_is_refused(quorum: float) -> None:
    assume(math.isnan(quorum) or not 0.0 <= quorum <= 1.0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        Rule(quorum=quorum)


@FAST
@given(quorum=st.floats(min_value=0.0, max_value=1.0), min_votes=st.integers(0, 1000))
def test_any_quorum_inside_zero_to_one_is_accepted(quorum: float, min_votes: int) -> None:
    rule = Rule(quorum=quorum, min_votes_per_bloc=min_votes)
    assert rule.quorum == quorum
    assert rule.quorum_needed(0) == min_votes


@FAST
@given(kind=st.text(max_size=20).filter(lambda text: text not in {k.value for k in RuleKind}))
def test_any_unknown_rule_kind_is_refused(kind: str) -> None:
    with pytest.raises(ValueError, match="must be one of"):
        Rule(kind=kind)  # type: ignore[arg-type]


def test_decision_holds_exactly_the_documented_fields() -> None:
    assert [f.name for f in dataclasses.fields(Decision)] == [
        "passed",
        "reason",
        "rule",
        "lived",
        "learned",
        "weighted_score",
    ]
    assert [f.name for f in dataclasses.fields(BlocResult)] == [
        "electorate",
        "approvals",
        "objections",
        "abstentions",
        "votes_cast",
        "quorum_needed",
        "quorum_met",
        "approval_share",
    ]


# --- quorum_reachable: can a bloc still be heard after people left? -------------------------


@pytest.mark.parametrize(
    ("electorate", "cast", "still_to_vote", "expected"),
    [
        (2, 1, 1, True),  # one more vote would meet the floor of 2
        (2, 1, 0, False),  # the other one left without voting
        (4, 0, 2, True),  # half of four, the floor of 2: both remaining must vote
        (4, 0, 1, False),
        (10, 3, 2, True),  # ceil(0.5 * 10) = 5
        (10, 3, 1, False),
    ],
)
def test_quorum_reachable_counts_votes_cast_and_people_who_can_still_vote(
    electorate, cast, still_to_vote, expected
):
    ballots = BlocBallots(electorate=electorate, approvals=cast)
    assert quorum_reachable(Rule(), ballots, still_to_vote=still_to_vote) is expected


@given(
    electorate=st.integers(min_value=0, max_value=40),
    data=st.data(),
    quorum=st.floats(min_value=0, max_value=1),
    floor=st.integers(min_value=0, max_value=6),
)
def test_a_quorum_is_reachable_exactly_when_everyone_still_able_voting_would_meet_it(
    electorate, data, quorum, floor
):
    rule = Rule(quorum=quorum, min_votes_per_bloc=floor)
    cast = data.draw(st.integers(min_value=0, max_value=electorate))
    still = data.draw(st.integers(min_value=0, max_value=electorate - cast))
    ballots = BlocBallots(electorate=electorate, abstentions=cast)
    everyone_votes = BlocBallots(electorate=electorate, abstentions=cast + still)
    reachable = quorum_reachable(rule, ballots, still_to_vote=still)
    assert reachable is decide(rule, lived=everyone_votes, learned=everyone_votes).lived.quorum_met


@pytest.mark.parametrize("still_to_vote", [-1, 3, 1.0, True])
def test_quorum_reachable_refuses_impossible_counts(still_to_vote):
    with pytest.raises(ValueError):
        quorum_reachable(
            Rule(), BlocBallots(electorate=3, approvals=1), still_to_vote=still_to_vote
        )
