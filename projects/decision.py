"""The stage-gate decision rule, as a pure function of two blocs' ballots.

Why this module exists on its own: whether a project may move to its next stage is the one place
where the platform *shares power* between people with lived experience (the ``lived`` bloc,
experts by experience) and people with learned experience (the ``learned`` bloc, practitioners).
If that arithmetic were tangled up with the ORM it could only be tested a few examples at a time.
Here it imports nothing from Django, takes plain counts and returns plain data, so the test suite
can check every ballot split of small blocs against an independent oracle.

Wording is deliberately absent: ``Decision.reason`` is a stable machine code and the per-bloc
figures are numbers. The Django side turns them into plain language for each audience.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import TypeGuard

__all__ = [
    "BlocBallots",
    "BlocResult",
    "Decision",
    "Reason",
    "Rule",
    "RuleKind",
    "decide",
    "quorum_reachable",
]


class RuleKind(StrEnum):
    """How the two blocs' ballots combine into one outcome.

    The values are stored in the database (a project's chosen rule), so they must never change.
    """

    DUAL_KEY = "dual_key"
    """Approvals must outnumber objections inside *each* bloc: two keys, one per bloc."""

    PARITY_WEIGHTED = "parity_weighted"
    """Each bloc's approval share weighs 50%, however many members it has."""

    CONSENT = "consent"
    """No objection at all, and at least one approval in each bloc."""


class Reason(StrEnum):
    """Why a decision came out the way it did.

    A ``StrEnum`` so that it *is* the plain string the design names (``reason == "passed"`` holds,
    it serialises to JSON and fits a ``CharField`` as is) while still giving typed, typo-proof
    comparisons in Python.
    """

    PASSED = "passed"
    NO_QUORUM_LIVED = "no_quorum_lived"
    NO_QUORUM_LEARNED = "no_quorum_learned"
    REJECTED_BY_LIVED = "rejected_by_lived"
    REJECTED_BY_LEARNED = "rejected_by_learned"
    OBJECTION = "objection"


def _is_whole_number(value: object) -> TypeGuard[int]:
    """``True`` for real integers only: ``True``/``False`` and ``2.0`` are not head counts."""
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Rule:
    """A project's decision rule.

    Validated on construction so that an invalid rule cannot exist and ``decide`` never has to
    second-guess it. ``kind`` may be given as its stored string value (e.g. ``"consent"``, as read
    from a database column or a form); it is converted to ``RuleKind`` here.
    """

    kind: RuleKind = RuleKind.DUAL_KEY
    quorum: float = 0.5
    """Share of each bloc that must cast a vote; abstaining counts as taking part."""
    min_votes_per_bloc: int = 2
    """Floor on the quorum, so a tiny bloc cannot be represented by a single voice."""

    def __post_init__(self) -> None:
        if not isinstance(self.kind, RuleKind):
            try:
                kind = RuleKind(self.kind)
            except ValueError:
                allowed = ", ".join(repr(k.value) for k in RuleKind)
                raise ValueError(
                    f"The decision rule must be one of {allowed}, not {self.kind!r}."
                ) from None
            # Frozen dataclass: normalising a field has to bypass the frozen __setattr__.
            object.__setattr__(self, "kind", kind)

        quorum: object = self.quorum
        if isinstance(quorum, bool) or not isinstance(quorum, int | float):
            raise ValueError(f"The quorum must be a number between 0 and 1, not {quorum!r}.")
        # NaN fails both comparisons, so it is rejected here too.
        if not 0.0 <= quorum <= 1.0:
            raise ValueError(f"The quorum must be between 0 and 1 (a share), not {quorum!r}.")
        object.__setattr__(self, "quorum", float(quorum))

        if not _is_whole_number(self.min_votes_per_bloc):
            raise ValueError(
                "The minimum number of votes per bloc must be a whole number, "
                f"not {self.min_votes_per_bloc!r}."
            )
        if self.min_votes_per_bloc < 0:
            raise ValueError(
                "The minimum number of votes per bloc cannot be negative "
                f"(got {self.min_votes_per_bloc})."
            )

    def quorum_needed(self, electorate: int) -> int:
        """Votes a bloc of ``electorate`` members must cast for its voice to count.

        ``max(min_votes_per_bloc, ceil(quorum * electorate))``. The product is rounded to nine
        places before the ceiling so that float noise (``0.28 * 25 == 7.000000000000001``) does not
        demand one more vote than the share really implies. If the bloc is smaller than
        ``min_votes_per_bloc`` the quorum can never be met; that is intended, because a gate must
        not be decided by a bloc too small to be more than a token presence.
        """
        share_needed = math.ceil(round(self.quorum * electorate, 9))
        return max(self.min_votes_per_bloc, share_needed)


@dataclass(frozen=True)
class BlocBallots:
    """The ballots of one bloc on one gate, as counts.

    Validated on construction: counts are non-negative whole numbers and no more ballots are cast
    than the bloc has voting members.
    """

    electorate: int
    """Voting members of the bloc when the gate closed."""
    approvals: int = 0
    objections: int = 0
    abstentions: int = 0

    def __post_init__(self) -> None:
        labels = {
            "electorate": "voting members",
            "approvals": "approvals",
            "objections": "objections",
            "abstentions": "abstentions",
        }
        for name, label in labels.items():
            value: object = getattr(self, name)
            if not _is_whole_number(value):
                raise ValueError(f"The number of {label} must be a whole number, not {value!r}.")
            if value < 0:
                raise ValueError(f"The number of {label} cannot be negative (got {value}).")
        if self.votes_cast > self.electorate:
            raise ValueError(
                f"{self.votes_cast} ballots were cast but the bloc has only {self.electorate} "
                "voting members; each member has one vote."
            )

    @property
    def votes_cast(self) -> int:
        """Everyone who took part, abstentions included (they count towards quorum)."""
        return self.approvals + self.objections + self.abstentions

    @property
    def decisive(self) -> int:
        """Approvals plus objections: the ballots that express a direction."""
        return self.approvals + self.objections


@dataclass(frozen=True)
class BlocResult:
    """The figures for one bloc that a decision rests on, for reports and the evidence pack."""

    electorate: int
    approvals: int
    objections: int
    abstentions: int
    votes_cast: int
    """``approvals + objections + abstentions``."""
    quorum_needed: int
    """See ``Rule.quorum_needed``."""
    quorum_met: bool
    approval_share: float
    """``approvals / (approvals + objections)``; 0.0 when nobody approved or objected."""


@dataclass(frozen=True)
class Decision:
    """The outcome of a gate vote, with everything needed to explain it.

    ``reason`` is ``Reason.PASSED`` exactly when ``passed`` is true. ``weighted_score`` is the
    combined score ``0.5 * lived share + 0.5 * learned share`` under ``parity_weighted`` (computed
    only once both quorums are met) and ``None`` otherwise.
    """

    passed: bool
    reason: Reason
    rule: Rule
    lived: BlocResult
    learned: BlocResult
    weighted_score: float | None = None


def _share(ballots: BlocBallots) -> Fraction:
    """Exact approval share, so that pass/fail never hinges on float rounding."""
    if ballots.decisive == 0:
        return Fraction(0)
    return Fraction(ballots.approvals, ballots.decisive)


def _tally(rule: Rule, ballots: BlocBallots) -> BlocResult:
    needed = rule.quorum_needed(ballots.electorate)
    return BlocResult(
        electorate=ballots.electorate,
        approvals=ballots.approvals,
        objections=ballots.objections,
        abstentions=ballots.abstentions,
        votes_cast=ballots.votes_cast,
        quorum_needed=needed,
        quorum_met=ballots.votes_cast >= needed,
        approval_share=float(_share(ballots)),
    )


def decide(rule: Rule, *, lived: BlocBallots, learned: BlocBallots) -> Decision:
    """Decide a gate from the two blocs' ballots under ``rule``.

    Quorum comes first for every rule: a bloc that did not turn out has not been heard, and an
    outcome without it would be exactly the tokenism the platform exists to prevent. When several
    reasons apply, quorum is reported before rejection and the lived bloc before the learned bloc,
    so the first barrier to lived-experience voice is the one named.

    ``dual_key``
        Passes when approvals strictly outnumber objections in *each* bloc (abstentions count for
        neither side). Each bloc holds a key, so a larger bloc can never outvote the other.
        Failure names the lived bloc if it did not approve, else the learned bloc.

    ``parity_weighted``
        Each bloc's approval share (approvals / (approvals + objections), 0 when neither) weighs
        50%, whatever the bloc's size; passes when ``0.5 * lived + 0.5 * learned > 0.5``, i.e.
        strictly more than half. The comparison is done in exact fractions. On failure the bloc
        with the *lower* approval share is named, as the one holding the proposal back; if the
        shares are equal the lived bloc is named, by the lived-before-learned convention.

    ``consent``
        Passes when nobody in either bloc objects and each bloc has at least one approval, so
        silence is not taken for consent. After quorum, any objection gives ``"objection"``
        (naming no bloc: one objection is enough, wherever it came from); otherwise a bloc with
        no approval is named, lived before learned.

    Inputs are validated by their constructors, so this function cannot be handed an impossible
    ballot and raises nothing itself.
    """
    lived_result = _tally(rule, lived)
    learned_result = _tally(rule, learned)

    def outcome(reason: Reason, weighted_score: float | None = None) -> Decision:
        return Decision(
            passed=reason is Reason.PASSED,
            reason=reason,
            rule=rule,
            lived=lived_result,
            learned=learned_result,
            weighted_score=weighted_score,
        )

    if not lived_result.quorum_met:
        return outcome(Reason.NO_QUORUM_LIVED)
    if not learned_result.quorum_met:
        return outcome(Reason.NO_QUORUM_LEARNED)

    match rule.kind:
        case RuleKind.DUAL_KEY:
            if lived.approvals <= lived.objections:
                return outcome(Reason.REJECTED_BY_LIVED)
            if learned.approvals <= learned.objections:
                return outcome(Reason.REJECTED_BY_LEARNED)
            return outcome(Reason.PASSED)

        case RuleKind.PARITY_WEIGHTED:
            lived_share = _share(lived)
            learned_share = _share(learned)
            score = (lived_share + learned_share) / 2
            if score > Fraction(1, 2):
                return outcome(Reason.PASSED, float(score))
            if lived_share <= learned_share:
                return outcome(Reason.REJECTED_BY_LIVED, float(score))
            return outcome(Reason.REJECTED_BY_LEARNED, float(score))

        case RuleKind.CONSENT:
            if lived.objections > 0 or learned.objections > 0:
                return outcome(Reason.OBJECTION)
            if lived.approvals == 0:
                return outcome(Reason.REJECTED_BY_LIVED)
            if learned.approvals == 0:
                return outcome(Reason.REJECTED_BY_LEARNED)
            return outcome(Reason.PASSED)


def quorum_reachable(rule: Rule, ballots: BlocBallots, *, still_to_vote: int) -> bool:
    """Whether a bloc can still meet its quorum before the vote closes.

    ``still_to_vote`` counts the bloc's members who have not voted and still may (people who
    left keep their place in ``ballots.electorate``, so the quorum does not shrink, but they
    cannot vote). True when ``ballots.votes_cast + still_to_vote`` reaches
    ``rule.quorum_needed(ballots.electorate)``. When it is false the vote cannot be decided,
    which is not the same as a rejection.

    Raises ``ValueError`` if ``still_to_vote`` is not a whole number, is negative, or together
    with the votes cast exceeds the electorate.
    """
    if not _is_whole_number(still_to_vote) or still_to_vote < 0:
        raise ValueError(
            f"The number still to vote must be a whole number of 0 or more, not {still_to_vote!r}."
        )
    if ballots.votes_cast + still_to_vote > ballots.electorate:
        raise ValueError(
            f"{ballots.votes_cast} votes cast and {still_to_vote} still to vote are more than "
            f"the {ballots.electorate} voting members of the bloc."
        )
    return ballots.votes_cast + still_to_vote >= rule.quorum_needed(ballots.electorate)
