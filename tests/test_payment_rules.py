"""The payment calculation: hours paid, amount to the penny, half and full days, due date."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from participation.payment_rules import Basis, Policy, Session, in_force, pay, pay_under

D = Decimal
SPRING = Policy(starts_on=date(2026, 4, 1), hourly_rate=D("20.00"), days_to_pay=14)
SUMMER = Policy(starts_on=date(2026, 7, 1), hourly_rate=D("25.00"), days_to_pay=14)


def test_a_rate_change_between_two_sessions_is_honoured():
    before = Session(on=date(2026, 6, 30), duration_minutes=120)
    after = Session(on=date(2026, 7, 1), duration_minutes=120)
    assert pay_under([SUMMER, SPRING], before).amount == D("40.00")  # type: ignore[union-attr]
    assert pay_under([SUMMER, SPRING], after).amount == D("50.00")  # type: ignore[union-attr]


def test_a_session_before_any_policy_has_no_amount():
    assert pay_under([SPRING], Session(on=date(2026, 3, 31), duration_minutes=60)) is None


def test_preparation_is_paid_only_when_the_policy_pays_it():
    session = Session(on=date(2026, 5, 1), duration_minutes=60, preparation_minutes=30)
    assert pay(SPRING, session).amount == D("20.00")
    paid_prep = Policy(starts_on=SPRING.starts_on, hourly_rate=D("20.00"), pays_preparation=True)
    assert pay(paid_prep, session).amount == D("30.00")
    assert pay(paid_prep, session).hours_paid == D("1.50")


def test_travel_and_follow_up_count_only_when_paid():
    session = Session(
        on=date(2026, 5, 1), duration_minutes=60, travel_minutes=60, follow_up_minutes=60
    )
    assert pay(SPRING, session).minutes_paid == 60
    both = Policy(
        starts_on=SPRING.starts_on, hourly_rate=D("20"), pays_travel=True, pays_follow_up=True
    )
    assert pay(both, session).minutes_paid == 180


def test_amounts_are_rounded_once_to_the_penny_half_up():
    # 20 minutes at £25 an hour is £8.333…: £8.33, not 0.33 h times £25 = £8.25.
    assert pay(SUMMER, Session(on=date(2026, 7, 2), duration_minutes=20)).amount == D("8.33")
    # 1 minute at £20.70 an hour is £0.345: half a penny goes up.
    odd = Policy(starts_on=SPRING.starts_on, hourly_rate=D("20.70"))
    assert pay(odd, Session(on=date(2026, 5, 1), duration_minutes=1)).amount == D("0.35")


DAYS = Policy(
    starts_on=date(2026, 1, 1),
    hourly_rate=D("25.00"),
    half_day_rate=D("100.00"),
    half_day_hours=D(3),
    full_day_rate=D("175.00"),
    full_day_hours=D(6),
)


@pytest.mark.parametrize(
    ("minutes", "amount", "basis"),
    [
        (150, D("62.50"), Basis.HOURLY),  # 2.5 h: under a half day
        (180, D("100.00"), Basis.HALF_DAY),  # 3 h reaches the half day: £100 beats £75
        (300, D("125.00"), Basis.HOURLY),  # 5 h: the hours (£125) beat the half day
        (360, D("175.00"), Basis.FULL_DAY),  # 6 h reaches the full day: £175 beats £150
        (480, D("200.00"), Basis.HOURLY),  # 8 h: the hours are never cut down by a day amount
    ],
)
def test_half_and_full_days_pay_the_higher_of_the_day_amount_and_the_hours(minutes, amount, basis):
    result = pay(DAYS, Session(on=date(2026, 2, 1), duration_minutes=minutes))
    assert (result.amount, result.basis) == (amount, basis)


def test_payment_is_due_the_policys_days_after_the_session():
    result = pay(SPRING, Session(on=date(2026, 5, 25), duration_minutes=60))
    assert result.due_on == date(2026, 6, 8)


def test_the_policy_in_force_is_the_latest_started_on_or_before_the_day():
    assert in_force([SPRING, SUMMER], date(2026, 7, 1)) == SUMMER
    assert in_force([SPRING, SUMMER], date(2026, 6, 30)) == SPRING
    assert in_force([SUMMER], date(2026, 6, 30)) is None


@pytest.mark.parametrize(
    "build",
    [
        lambda: Policy(starts_on=date(2026, 1, 1), hourly_rate=D("-1")),
        lambda: Policy(starts_on=date(2026, 1, 1), hourly_rate=D(1), half_day_hours=D(7)),
        lambda: Policy(starts_on=date(2026, 1, 1), hourly_rate=D(1), days_to_pay=-1),
        lambda: Session(on=date(2026, 1, 1), duration_minutes=-5),
    ],
)
def test_impossible_input_is_refused(build):
    with pytest.raises(ValueError):
        build()


rates = st.decimals(min_value=0, max_value=500, places=2)
minutes = st.integers(min_value=0, max_value=24 * 60)


@given(rate=rates, half=rates, full=rates, m=minutes, extra=minutes)
def test_pay_is_whole_pennies_never_below_the_hours_and_grows_with_time(rate, half, full, m, extra):
    policy = Policy(
        starts_on=date(2026, 1, 1),
        hourly_rate=rate,
        half_day_rate=half,
        full_day_rate=full,
        pays_preparation=True,
    )
    short = pay(policy, Session(on=date(2026, 1, 2), duration_minutes=m))
    longer = pay(
        policy, Session(on=date(2026, 1, 2), duration_minutes=m, preparation_minutes=extra)
    )
    assert short.amount == short.amount.quantize(D("0.01"))
    assert short.amount >= (rate * m / 60).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert longer.amount >= short.amount
    assert short.due_on - timedelta(days=30) == date(2026, 1, 2)
