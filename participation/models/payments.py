"""Payment for involvement: the project's payment policy (versioned by the day each version
starts), the payments due to members, and the expenses they claim.

Money is `Decimal` pounds and pence (two decimal places), never a float. The arithmetic lives in
`participation.payment_rules`; `PaymentPolicy.as_rule()` hands a version to it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce import limits
from projects.models import Project

from .. import payment_rules, receipts

MONEY = {"max_digits": 9, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}

BENEFITS_NOTE = _(
    "Vouchers and gifts can still count as income for benefits, just like money. Before you "
    "choose how to be paid, you can talk to a benefits adviser. Ask a co-lead to put you in "
    "touch."
)


class PaymentMethod(models.TextChoices):
    """How a payment is made, or what the member chose instead."""

    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    PAYROLL = "payroll", _("Payroll")
    VOUCHER = "voucher", _("Voucher")
    CASH = "cash", _("Cash")
    # The member's own choices, whatever the policy offers:
    DONATED = "donated", _("Donated")
    DECLINED = "declined", _("Declined")
    REDUCED = "reduced", _("Reduced")


# What an organisation can offer; the rest are always open to the member.
OFFERED_METHODS = [
    PaymentMethod.BANK_TRANSFER,
    PaymentMethod.PAYROLL,
    PaymentMethod.VOUCHER,
    PaymentMethod.CASH,
]


class PaymentPolicyQuerySet(models.QuerySet["PaymentPolicy"]):
    def in_force_on(self, day: date) -> PaymentPolicy | None:
        """The version in force on `day`: the latest that started on or before it."""
        return self.filter(starts_on__lte=day).order_by("-starts_on").first()

    def started(self, today: date) -> PaymentPolicyQuerySet:
        """Versions that have started: they can no longer be changed."""
        return self.filter(starts_on__lte=today)


class PaymentPolicy(models.Model):
    """One version of a project's payment policy, in force from `starts_on` until the next."""

    # What a version says, besides the day it starts: set together, by `services.set_policy`.
    TERMS = (
        "hourly_rate",
        "half_day_rate",
        "half_day_hours",
        "full_day_rate",
        "full_day_hours",
        "pays_preparation",
        "pays_travel",
        "pays_follow_up",
        "days_to_pay",
        "methods",
        "source",
    )

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="payment_policies")
    starts_on = models.DateField(_("starts on"))
    hourly_rate = models.DecimalField(_("hourly rate in pounds"), **MONEY)  # type: ignore[arg-type]
    half_day_rate = models.DecimalField(
        _("half-day amount in pounds"),
        null=True,
        blank=True,
        help_text=_("Leave empty if you do not pay by the half day."),
        **MONEY,  # type: ignore[arg-type]
    )
    half_day_hours = models.DecimalField(
        _("hours that make a half day"),
        max_digits=4,
        decimal_places=2,
        default=Decimal(3),
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal(24))],
    )
    full_day_rate = models.DecimalField(
        _("full-day amount in pounds"),
        null=True,
        blank=True,
        help_text=_("Leave empty if you do not pay by the day."),
        **MONEY,  # type: ignore[arg-type]
    )
    full_day_hours = models.DecimalField(
        _("hours that make a full day"),
        max_digits=4,
        decimal_places=2,
        default=Decimal(6),
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal(24))],
    )
    pays_preparation = models.BooleanField(_("pay for time spent getting ready"), default=True)
    pays_travel = models.BooleanField(_("pay for travel time"), default=False)
    pays_follow_up = models.BooleanField(_("pay for follow-up work"), default=True)
    days_to_pay = models.PositiveSmallIntegerField(
        _("days to pay"),
        default=30,
        validators=[MaxValueValidator(365)],
        help_text=_("We pay within this many days of the activity."),
    )
    methods = models.JSONField(_("ways we can pay"), default=list)
    source = models.CharField(
        _("where the rates come from"),
        max_length=200,
        blank=True,
        validators=[limits.single_line],
        help_text=_("For example: NIHR payment guidance, April 2026."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects: ClassVar[PaymentPolicyQuerySet] = PaymentPolicyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["project", "-starts_on"]
        verbose_name = _("payment policy")
        verbose_name_plural = _("payment policies")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "starts_on"], name="one_payment_policy_per_start_day"
            ),
            models.CheckConstraint(
                condition=models.Q(half_day_hours__lte=models.F("full_day_hours")),
                name="payment_policy_half_day_not_longer_than_full_day",
                violation_error_message=_("A half day cannot be longer than a full day."),
            ),
        ]

    def __str__(self) -> str:
        return _("Payment policy from %(day)s") % {"day": self.starts_on}

    def has_started(self, today: date) -> bool:
        """A version that has started is part of the record: it is never changed."""
        return self.starts_on <= today

    def method_labels(self) -> list[str]:
        return [str(PaymentMethod(m).label) for m in self.methods]

    def as_rule(self) -> payment_rules.Policy:
        return payment_rules.Policy(
            starts_on=self.starts_on,
            hourly_rate=self.hourly_rate,
            half_day_rate=self.half_day_rate,
            half_day_hours=self.half_day_hours,
            full_day_rate=self.full_day_rate,
            full_day_hours=self.full_day_hours,
            pays_preparation=self.pays_preparation,
            pays_travel=self.pays_travel,
            pays_follow_up=self.pays_follow_up,
            days_to_pay=self.days_to_pay,
        )


class PaymentStatus(models.TextChoices):
    DUE = "due", _("Due")
    PAID = "paid", _("Paid")
    DECLINED = "declined", _("Declined")


def overdue_rule(today: date) -> models.Q:
    """The overdue rule, as a filter: still due after `due_on`, the day it was due by (a
    payment due today is not overdue yet). Queries filter or count with it
    (`InvolvementPayment.objects.overdue`, the payment-days indicator); the row twin is
    `InvolvementPayment.is_overdue`."""
    return models.Q(status=PaymentStatus.DUE, due_on__lt=today)


class InvolvementPaymentQuerySet(models.QuerySet["InvolvementPayment"]):
    def overdue(self, today: date) -> InvolvementPaymentQuerySet:
        """Still due after the day they were due by (the row twin is `is_overdue`)."""
        return self.filter(overdue_rule(today))

    def with_overdue(self, today: date) -> InvolvementPaymentQuerySet:
        """Each row with `late`: True when it is overdue on `today`."""
        return self.annotate(
            late=models.ExpressionWrapper(overdue_rule(today), output_field=models.BooleanField())
        )


class InvolvementPayment(models.Model):
    """What one member is owed for one session of involvement.

    Made from an attendance row (`services.payments.work_out_payments`): one payment per
    attendance, so working it out twice makes one. `attendance` is empty only for a payment
    entered by hand; `session_on` and the minutes say what it is for either way.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="involvement_payments"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="involvement_payments"
    )
    policy = models.ForeignKey(
        PaymentPolicy, on_delete=models.PROTECT, related_name="payments", verbose_name=_("policy")
    )
    attendance = models.OneToOneField(
        "participation.Attendance",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment",
        verbose_name=_("attendance"),
    )
    session_on = models.DateField(_("day of the activity"))
    minutes_paid = models.PositiveIntegerField(_("minutes paid"))
    amount = models.DecimalField(_("amount in pounds"), **MONEY)  # type: ignore[arg-type]
    due_on = models.DateField(_("due by"))
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.DUE
    )
    method = models.CharField(
        _("how it is paid"), max_length=20, choices=PaymentMethod.choices, blank=True
    )
    paid_on = models.DateField(_("date paid"), null=True, blank=True)
    benefits_advice_offered = models.BooleanField(_("benefits advice offered"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects: ClassVar[InvolvementPaymentQuerySet] = InvolvementPaymentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-session_on", "-pk"]
        verbose_name = _("involvement payment")
        verbose_name_plural = _("involvement payments")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=PaymentStatus.PAID) | models.Q(paid_on__isnull=False),
                name="involvement_payment_paid_has_a_date",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="involvement_payment_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["project", "status", "due_on"])]

    def __str__(self) -> str:
        return _("£%(amount)s to %(name)s") % {"amount": self.amount, "name": self.member}

    def is_overdue(self, today: date) -> bool:
        return self.status == PaymentStatus.DUE and self.due_on < today

    @property
    def hours_paid(self) -> Decimal:
        return payment_rules.hours_of(self.minutes_paid)


class ExpenseCategory(models.TextChoices):
    TRAVEL = "travel", _("Travel")
    CHILDCARE = "childcare", _("Childcare")
    REPLACEMENT_CARER = "replacement_carer", _("Someone to care for a person you look after")
    SUPPORT_WORKER = "support_worker", _("Support worker")
    INTERPRETER = "interpreter", _("Interpreter")
    DATA = "data", _("Phone credit or data")


class ExpenseStatus(models.TextChoices):
    CLAIMED = "claimed", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Expense(models.Model):
    """Money a member spent to take part, claimed back. Co-leads approve it or refuse it with
    a reason the member can read."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="expenses")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expenses"
    )
    spent_on = models.DateField(_("date you spent it"))
    category = models.CharField(_("what it was for"), max_length=20, choices=ExpenseCategory)
    amount = models.DecimalField(_("amount in pounds"), **MONEY)  # type: ignore[arg-type]
    description = models.TextField(
        _("details"), blank=True, validators=[limits.MaxChars(limits.RESPONSE)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ExpenseStatus.choices, default=ExpenseStatus.CLAIMED
    )
    refusal_reason = models.TextField(
        _("reason for refusing"), blank=True, validators=[limits.MaxChars(limits.RESPONSE)]
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Kept under MEDIA_ROOT, never served from it: only `views.payments.receipt` hands it out.
    receipt = models.FileField(
        _("receipt"), upload_to=receipts.upload_to, blank=True, max_length=200
    )
    receipt_type = models.CharField(
        _("receipt file type"), max_length=40, blank=True, help_text=_("Read from its bytes.")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=ExpenseStatus.REFUSED) | ~models.Q(refusal_reason=""),
                name="expense_refusal_has_a_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="expense_amount_above_zero"
            ),
        ]
        indexes = [models.Index(fields=["project", "member", "-created_at"])]

    def __str__(self) -> str:
        return _("£%(amount)s for %(category)s") % {
            "amount": self.amount,
            "category": self.get_category_display().lower(),
        }
