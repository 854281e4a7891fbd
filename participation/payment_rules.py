"""What a session of involvement pays, as a pure function (no Django, like projects/decision.py).

A project's payment policy is versioned by the day each version starts; the version in force on
a day is the latest one that started on or before it (`in_force`). For one session, `pay`
works out:

- the minutes paid: the session itself, plus preparation, travel and follow-up when the policy
  pays them;
- the amount: the minutes at the hourly rate, or the half-day or full-day amount when the paid
  time reaches that many hours, whichever is higher. So a day amount never pays someone less
  than their hours would (the "higher of" rule), and a long day still earns its day amount;
- the day the payment is due: the session's day plus the policy's days to pay.

Money is `Decimal` pounds, rounded to the penny with ROUND_HALF_UP: half a penny goes up, as
people round money by hand and as payroll does, so the member never loses it (Python's default,
ROUND_HALF_EVEN, would round 12.345 down to 12.34). Rounding happens once, on the amount, never
on the hours, so 20 minutes at £25 an hour is £8.33 and not 0.33 hours times £25 = £8.25.

Invalid input (negative minutes or rates, a full day shorter than a half day) raises ValueError.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

PENNY = Decimal("0.01")
MINUTES_IN_HOUR = Decimal(60)


class Basis(StrEnum):
    HOURLY = "hourly"
    HALF_DAY = "half_day"
    FULL_DAY = "full_day"


@dataclass(frozen=True)
class Policy:
    """One version of a project's payment policy. A day rate of None means none is offered."""

    starts_on: date
    hourly_rate: Decimal
    half_day_rate: Decimal | None = None
    half_day_hours: Decimal = Decimal(3)
    full_day_rate: Decimal | None = None
    full_day_hours: Decimal = Decimal(6)
    pays_preparation: bool = False
    pays_travel: bool = False
    pays_follow_up: bool = False
    days_to_pay: int = 30

    def __post_init__(self) -> None:
        for rate in (self.hourly_rate, self.half_day_rate, self.full_day_rate):
            if rate is not None and rate < 0:
                raise ValueError("A rate cannot be negative.")
        if self.half_day_hours <= 0 or self.full_day_hours <= 0:
            raise ValueError("A half or full day must be longer than no time.")
        if self.half_day_hours > self.full_day_hours:
            raise ValueError("A half day cannot be longer than a full day.")
        if self.days_to_pay < 0:
            raise ValueError("Days to pay cannot be negative.")


@dataclass(frozen=True)
class Session:
    """One person's time on one activity, in whole minutes."""

    on: date
    duration_minutes: int
    preparation_minutes: int = 0
    follow_up_minutes: int = 0
    travel_minutes: int = 0

    def __post_init__(self) -> None:
        minutes = (
            self.duration_minutes,
            self.preparation_minutes,
            self.follow_up_minutes,
            self.travel_minutes,
        )
        if any(m < 0 for m in minutes):
            raise ValueError("Minutes cannot be negative.")


@dataclass(frozen=True)
class Pay:
    minutes_paid: int
    amount: Decimal
    basis: Basis
    due_on: date
    policy_starts_on: date

    @property
    def hours_paid(self) -> Decimal:
        return hours_of(self.minutes_paid)


def hours_of(minutes: int) -> Decimal:
    """`minutes` in hours, to two places (for showing; amounts are worked out from minutes)."""
    return (Decimal(minutes) / MINUTES_IN_HOUR).quantize(PENNY, ROUND_HALF_UP)


def to_pennies(amount: Decimal) -> Decimal:
    """`amount` rounded to the penny, half a penny up."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def in_force(policies: Iterable[Policy], on: date) -> Policy | None:
    """The version in force on `on`: the latest that started on or before it (None if none)."""
    started = [p for p in policies if p.starts_on <= on]
    return max(started, key=lambda p: p.starts_on) if started else None


def minutes_paid(policy: Policy, session: Session) -> int:
    """The session's minutes plus the extra time the policy pays for."""
    return (
        session.duration_minutes
        + (session.preparation_minutes if policy.pays_preparation else 0)
        + (session.travel_minutes if policy.pays_travel else 0)
        + (session.follow_up_minutes if policy.pays_follow_up else 0)
    )


def pay(policy: Policy, session: Session) -> Pay:
    """What `session` pays under `policy` (which should be the one `in_force` on its day)."""
    minutes = minutes_paid(policy, session)
    hours = Decimal(minutes) / MINUTES_IN_HOUR
    # Multiply before dividing: 146 minutes at £3.15 is exactly £7.665, so £7.67; dividing
    # first leaves 2.4333… hours, and £7.66499… would round down.
    options = [(to_pennies(policy.hourly_rate * minutes / MINUTES_IN_HOUR), Basis.HOURLY)]
    if policy.half_day_rate is not None and hours >= policy.half_day_hours:
        options.append((to_pennies(policy.half_day_rate), Basis.HALF_DAY))
    if policy.full_day_rate is not None and hours >= policy.full_day_hours:
        options.append((to_pennies(policy.full_day_rate), Basis.FULL_DAY))
    # Highest amount wins; on a tie the hourly figure (listed first) is the plainer reason.
    amount, basis = max(options, key=lambda option: option[0])
    return Pay(
        minutes_paid=minutes,
        amount=amount,
        basis=basis,
        due_on=session.on + timedelta(days=policy.days_to_pay),
        policy_starts_on=policy.starts_on,
    )


def pay_under(policies: Iterable[Policy], session: Session) -> Pay | None:
    """What `session` pays under the version in force on its day; None when no policy yet."""
    policy = in_force(policies, session.on)
    return None if policy is None else pay(policy, session)
