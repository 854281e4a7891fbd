"""Payment for involvement: the payment policy, what a session pays, expenses and the export.

Personas (tests/conftest.py): practitioner and expert co-lead; expert2 and practitioner2 are
members; commissioner and outsider see nobody's money.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError
from django.urls import reverse

from participation.models import (
    Expense,
    ExpenseStatus,
    InvolvementPayment,
    PaymentPolicy,
    PaymentStatus,
)
from participation.payment_rules import Session
from participation.services import payments
from projects.models import Project, Stage
from projects.services import ProjectError
from tests.error_pattern import assert_error_page

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = date(2026, 6, 15)
TERMS = {
    "hourly_rate": D("20.00"),
    "half_day_rate": None,
    "half_day_hours": D(3),
    "full_day_rate": None,
    "full_day_hours": D(6),
    "pays_preparation": False,
    "pays_travel": False,
    "pays_follow_up": False,
    "days_to_pay": 14,
    "methods": ["bank_transfer", "voucher"],
    "source": "NIHR payment guidance",
}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 6, 15), tick=False):
        yield


def url(name: str, project: Project, **kwargs) -> str:
    return reverse(f"payments:{name}", kwargs={"slug": project.slug, **kwargs})


def policy_post(**changes) -> dict:
    data = {
        "starts_on": "2026-07-01",
        "hourly_rate": "£25.00",
        "half_day_hours": "3",
        "full_day_hours": "6",
        "days_to_pay": "30",
        "methods": ["bank_transfer"],
        "source": "NIHR payment guidance, 2026",
    }
    return {**data, **changes}


def expense_post(**changes) -> dict:
    return {"spent_on": "12/6/2026", "category": "travel", "amount": "4.50", **changes}


# The payment policy page


def test_the_policy_page_is_for_co_leads_only(client, project, outsider, expert2, expert):
    assert client.get(url("policy", project)).status_code == 302
    for person, status in [(outsider, 404), (expert2, 403)]:
        client.force_login(person)
        assert client.get(url("policy", project)).status_code == status
        assert client.post(url("policy", project), policy_post()).status_code == status
    assert not PaymentPolicy.objects.exists()
    client.force_login(expert)
    assert client.get(url("policy", project)).status_code == 200


def test_commissioners_see_nobodys_money(client, project, commissioner):
    client.force_login(commissioner)
    for name in ("policy", "expenses", "export"):
        assert client.get(url(name, project)).status_code == 403


def test_a_co_lead_adds_a_policy_and_sees_it_listed(client, project, expert):
    client.force_login(expert)
    response = client.post(url("policy", project), policy_post())
    assert response.status_code == 302
    policy = PaymentPolicy.objects.get()
    assert (policy.hourly_rate, policy.starts_on, policy.methods) == (
        D("25.00"),
        date(2026, 7, 1),
        ["bank_transfer"],
    )
    page = client.get(url("policy", project)).content.decode()
    assert "£25.00" in page
    assert "Remove this version" in page


def test_a_policy_with_mistakes_comes_back_with_plain_messages_and_what_was_typed(
    client, project, expert
):
    client.force_login(expert)
    response = client.post(
        url("policy", project), policy_post(hourly_rate="twenty", methods=[], source="Our rates")
    )
    html = assert_error_page(response, field_id="id_hourly_rate", kept="Our rates")
    assert "Enter the hourly rate in pounds and pence, for example 25.00." in html
    assert "Choose at least one way to pay." in html
    assert not PaymentPolicy.objects.exists()


def test_a_half_day_longer_than_a_full_day_is_refused_in_plain_words(client, project, expert):
    client.force_login(expert)
    response = client.post(url("policy", project), policy_post(half_day_hours="7"))
    html = assert_error_page(response)
    assert "A half day cannot be longer than a full day." in html


def test_a_policy_that_has_started_never_changes(project, expert):
    policy = payments.set_policy(project=project, actor=expert, starts_on=TODAY, **TERMS)
    with pytest.raises(ProjectError, match="already started"):
        payments.set_policy(
            project=project, actor=expert, starts_on=TODAY, **{**TERMS, "hourly_rate": D(30)}
        )
    with pytest.raises(ProjectError, match="already started"):
        payments.withdraw_policy(policy=policy)
    policy.refresh_from_db()
    assert policy.hourly_rate == D("20.00")


def test_a_version_started_today_points_to_tomorrow_for_a_change(project, expert):
    payments.set_policy(project=project, actor=expert, starts_on=TODAY, **TERMS)
    with pytest.raises(ProjectError, match="from tomorrow"):
        payments.set_policy(
            project=project, actor=expert, starts_on=TODAY, **{**TERMS, "hourly_rate": D(30)}
        )


def test_an_amount_of_a_million_pounds_or_more_is_refused(client, project, expert):
    client.force_login(expert)
    response = client.post(url("policy", project), policy_post(hourly_rate="1000000"))
    html = assert_error_page(response, field_id="id_hourly_rate")
    assert "Enter an amount below one million pounds." in html
    response = client.post(url("policy", project), policy_post(hourly_rate="999999.99"))
    assert response.status_code == 302


def test_a_new_version_cannot_start_in_the_past_but_the_first_may(project, expert):
    payments.set_policy(project=project, actor=expert, starts_on=date(2026, 1, 1), **TERMS)
    with pytest.raises(ProjectError, match="past"):
        payments.set_policy(project=project, actor=expert, starts_on=date(2026, 6, 1), **TERMS)
    assert PaymentPolicy.objects.count() == 1


def test_a_version_not_yet_started_can_be_changed_or_removed(client, project, expert):
    july = date(2026, 7, 1)
    payments.set_policy(project=project, actor=expert, starts_on=july, **TERMS)
    changed = payments.set_policy(
        project=project, actor=expert, starts_on=july, **{**TERMS, "hourly_rate": D(25)}
    )
    assert PaymentPolicy.objects.get().hourly_rate == D("25.00")
    client.force_login(expert)
    response = client.post(url("policy_withdraw", project, pk=changed.pk))
    assert response.status_code == 302
    assert not PaymentPolicy.objects.exists()


def test_only_co_leads_remove_a_version(client, project, expert, expert2, outsider):
    version = payments.set_policy(
        project=project, actor=expert, starts_on=date(2026, 7, 1), **TERMS
    )
    for person, status in [(outsider, 404), (expert2, 403)]:
        client.force_login(person)
        assert client.post(url("policy_withdraw", project, pk=version.pk)).status_code == status
    assert PaymentPolicy.objects.filter(pk=version.pk).exists()


def test_the_same_policy_sent_twice_is_one_version(client, project, expert):
    client.force_login(expert)
    client.post(url("policy", project), policy_post())
    client.post(url("policy", project), policy_post())
    assert PaymentPolicy.objects.count() == 1


# What a session pays, from the policies in the database


def test_payment_due_honours_a_rate_change_between_two_sessions(project, expert):
    payments.set_policy(project=project, actor=expert, starts_on=date(2026, 4, 1), **TERMS)
    payments.set_policy(
        project=project, actor=expert, starts_on=date(2026, 7, 1), **{**TERMS, "hourly_rate": D(25)}
    )
    june = payments.payment_due(
        project=project, session=Session(on=date(2026, 6, 30), duration_minutes=90)
    )
    july = payments.payment_due(
        project=project, session=Session(on=date(2026, 7, 1), duration_minutes=90)
    )
    assert june is not None and june.amount == D("30.00")
    assert july is not None and july.amount == D("37.50")
    assert july.due_on == date(2026, 7, 15)


@pytest.mark.parametrize(("paid", "amount"), [(False, D("20.00")), (True, D("30.00"))])
def test_payment_due_counts_preparation_only_when_the_policy_pays_it(project, expert, paid, amount):
    payments.set_policy(
        project=project,
        actor=expert,
        starts_on=date(2026, 4, 1),
        **{**TERMS, "pays_preparation": paid},
    )
    session = Session(on=date(2026, 5, 1), duration_minutes=60, preparation_minutes=30)
    due = payments.payment_due(project=project, session=session)
    assert due is not None and due.amount == amount


def test_no_payment_is_worked_out_before_any_policy(project):
    session = Session(on=date(2026, 5, 1), duration_minutes=60)
    assert payments.payment_due(project=project, session=session) is None


def _payment(project, member, policy, **fields) -> InvolvementPayment:
    values = {
        "session_on": date(2026, 5, 1),
        "minutes_paid": 60,
        "amount": D("20.00"),
        "due_on": date(2026, 5, 15),
        **fields,
    }
    return InvolvementPayment.objects.create(
        project=project, member=member, policy=policy, **values
    )


def test_a_payment_is_overdue_only_while_due_after_its_date(project, expert, expert2):
    policy = payments.set_policy(project=project, actor=expert, starts_on=date(2026, 4, 1), **TERMS)
    due = _payment(project, expert2, policy)
    declined = _payment(project, expert2, policy, status=PaymentStatus.DECLINED, method="declined")
    donated = _payment(
        project, expert2, policy, status=PaymentStatus.PAID, method="donated", paid_on=TODAY
    )
    assert due.is_overdue(TODAY)
    assert list(InvolvementPayment.objects.overdue(TODAY)) == [due]
    assert not due.is_overdue(date(2026, 5, 15))
    assert not declined.is_overdue(TODAY)
    assert not donated.is_overdue(TODAY)


def test_a_paid_payment_must_have_its_date(project, expert, expert2):
    policy = payments.set_policy(project=project, actor=expert, starts_on=date(2026, 4, 1), **TERMS)
    with pytest.raises(IntegrityError):
        _payment(project, expert2, policy, status=PaymentStatus.PAID)


# Expenses


def test_the_expenses_page_follows_the_access_trio(client, project, outsider, expert2):
    assert client.get(url("expenses", project)).status_code == 302
    client.force_login(outsider)
    assert client.get(url("expenses", project)).status_code == 404
    assert client.post(url("expenses", project), expense_post()).status_code == 404
    client.force_login(expert2)
    assert client.get(url("expenses", project)).status_code == 200


def test_a_commissioner_cannot_claim(client, project, commissioner):
    client.force_login(commissioner)
    assert client.post(url("expenses", project), expense_post()).status_code == 403
    assert not Expense.objects.exists()


def test_a_member_claims_once_however_often_they_tap(client, project, expert2):
    client.force_login(expert2)
    for _ in range(2):
        assert client.post(url("expenses", project), expense_post()).status_code == 302
    claim = Expense.objects.get()
    assert (claim.member, claim.amount, claim.spent_on, claim.status) == (
        expert2,
        D("4.50"),
        date(2026, 6, 12),
        ExpenseStatus.CLAIMED,
    )
    assert "Waiting for a decision" in client.get(url("expenses", project)).content.decode()


def test_a_claim_with_mistakes_comes_back_with_plain_messages(client, project, expert2):
    client.force_login(expert2)
    response = client.post(
        url("expenses", project),
        expense_post(amount="0", category="", description="Bus to the hub"),
    )
    html = assert_error_page(response, field_id="id_amount", kept="Bus to the hub")
    assert "Enter how much you spent, for example 4.50." in html
    assert "Choose what the money was for." in html
    assert not Expense.objects.exists()


def test_a_claim_dated_in_the_future_is_refused_at_its_date_box(client, project, expert2):
    client.force_login(expert2)
    response = client.post(url("expenses", project), expense_post(spent_on="2026-06-16"))
    assert "cannot be in the future" in assert_error_page(response, field_id="id_spent_on")
    assert not Expense.objects.exists()


def test_members_see_only_their_own_claims(client, project, expert2, practitioner2):
    Expense.objects.create(
        project=project, member=practitioner2, spent_on=TODAY, category="travel", amount=D("9.99")
    )
    client.force_login(expert2)
    page = client.get(url("expenses", project)).content.decode()
    assert "9.99" not in page
    assert "Everyone" not in page


def test_a_refusal_needs_a_reason_that_the_member_then_reads(client, project, expert, expert2):
    claim = Expense.objects.create(
        project=project, member=expert2, spent_on=TODAY, category="travel", amount=D("12.50")
    )
    client.force_login(expert)
    response = client.post(url("decide", project, pk=claim.pk), {"decision": "refuse"})
    html = assert_error_page(response, field_id=f"decide-{claim.pk}-reason")
    assert "Write why you are refusing this claim." in html
    claim.refresh_from_db()
    assert claim.status == ExpenseStatus.CLAIMED
    reason = "Travel is paid from the bus pass scheme."
    response = client.post(
        url("decide", project, pk=claim.pk), {"decision": "refuse", "reason": reason}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (ExpenseStatus.REFUSED, expert)
    page = client.get(url("expenses", project)).content.decode()
    assert f'value="refuse" required id="decide-{claim.pk}-decision_1" checked' in page
    client.force_login(expert2)
    page = client.get(url("expenses", project)).content.decode()
    assert reason in page and "Refused" in page


def test_only_co_leads_decide_and_never_on_their_own_claim(
    client, project, expert, expert2, practitioner
):
    own = Expense.objects.create(
        project=project, member=expert, spent_on=TODAY, category="data", amount=D("5")
    )
    other = Expense.objects.create(
        project=project, member=practitioner, spent_on=TODAY, category="data", amount=D("5")
    )
    client.force_login(expert2)
    assert (
        client.post(url("decide", project, pk=other.pk), {"decision": "approve"}).status_code == 403
    )
    client.force_login(expert)
    response = client.post(url("decide", project, pk=own.pk), {"decision": "approve"})
    assert "Another co-lead must decide your own claim." in assert_error_page(response)
    assert (
        client.post(url("decide", project, pk=other.pk), {"decision": "approve"}).status_code == 302
    )
    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.status, other.status) == (ExpenseStatus.CLAIMED, ExpenseStatus.APPROVED)


def test_claims_are_still_made_and_decided_after_the_project_closes(
    client, project, expert, expert2
):
    Project.objects.filter(pk=project.pk).update(stage=Stage.CLOSED)
    client.force_login(expert2)
    assert client.post(url("expenses", project), expense_post()).status_code == 302
    client.force_login(expert)
    claim = Expense.objects.get()
    assert (
        client.post(url("decide", project, pk=claim.pk), {"decision": "approve"}).status_code == 302
    )


# The finance export


def test_the_finance_export_is_for_co_leads_with_money_as_text(
    client, project, expert, expert2, outsider
):
    Expense.objects.create(
        project=project, member=expert2, spent_on=TODAY, category="childcare", amount=D("12.5")
    )
    for person, status in [(outsider, 404), (expert2, 403)]:
        client.force_login(person)
        assert client.get(url("export", project)).status_code == status
    client.force_login(expert)
    response = client.get(url("export", project))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["type"], r["person"], r["amount"], r["status"]) for r in rows] == [
        ("expense", "Eli", "12.50", "claimed")
    ]


def test_a_cell_a_spreadsheet_would_run_is_written_as_text(project, join):
    sneaky = join(project, "expert_by_experience", display_name="=HYPERLINK(1)")
    Expense.objects.create(
        project=project, member=sneaky, spent_on=TODAY, category="travel", amount=D(1)
    )
    assert "'=HYPERLINK(1)" in payments.finance_csv(project)


def test_an_empty_cell_in_the_finance_record_stays_empty(project, join):
    member = join(project, "expert_by_experience", display_name="Eli")
    Expense.objects.create(
        project=project, member=member, spent_on=TODAY, category="travel", amount=D(1)
    )
    row = next(csv.DictReader(io.StringIO(payments.finance_csv(project))))
    assert (row["due by"], row["date paid"], row["decided by"], row["activity"]) == ("", "", "", "")


def _claims(project, members, n: int) -> None:
    policy = payments.set_policy(
        project=project, actor=members[0], starts_on=date(2026, 1, 1), **TERMS
    )
    for i in range(n):
        member = members[i % len(members)]
        Expense.objects.create(
            project=project,
            member=member,
            spent_on=TODAY - timedelta(days=i),
            category="travel",
            amount=D("3.20"),
        )
        _payment(project, member, policy)


@pytest.mark.parametrize("n", [2, 25])
def test_the_expenses_page_and_export_keep_their_query_budget(
    client, project, expert, expert2, practitioner2, n, django_assert_max_num_queries
):
    _claims(project, [expert2, practitioner2], n)
    client.force_login(expert)
    with django_assert_max_num_queries(10):  # measured: 10 at both sizes (with my payments)
        assert client.get(url("expenses", project)).status_code == 200
    with django_assert_max_num_queries(7):  # measured: 7 at both sizes
        response = client.get(url("export", project))
    assert response.content.decode().count("\n") == 1 + 2 * n
