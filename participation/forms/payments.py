"""Forms for the payment policy, expense claims, the co-leads' decisions on them, and the
record of each involvement payment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce import limits
from coproduce.item_forms import ItemForm

from .. import receipts
from ..models import (
    OFFERED_METHODS,
    Expense,
    ExpenseCategory,
    ExpenseStatus,
    InvolvementPayment,
    PaymentMethod,
    PaymentPolicy,
    PaymentStatus,
)

# Besides the browser's date picker (which sends 2026-03-27), what people type by hand.
DAY_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y"]


class MoneyField(forms.DecimalField):
    """Pounds and pence. Takes "£4.50" and "1,250" as people write them; never a float."""

    def __init__(self, **kwargs: Any) -> None:
        # Eight digits, two of them pence: below one million pounds, as the message says.
        kwargs.setdefault("max_digits", 8)
        kwargs.setdefault("decimal_places", 2)
        # A text box, not type=number: phones show a decimal keypad, and nothing is silently
        # rounded or changed by scrolling (GOV.UK's advice for money).
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "").strip()
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # Django adds step/min/max for number inputs only; a text box needs none of them.
        return {k: v for k, v in super().widget_attrs(widget).items() if k == "inputmode"}


def not_in_the_future(message: str | Any) -> Callable[[date], None]:
    """A validator refusing a day after today with `message`, so that the message is linked to
    its box (the service refuses the same day again)."""

    def validate(day: date) -> None:
        if day > timezone.localdate():
            raise ValidationError(message, code="future")

    return validate


def day_field(**kwargs: Any) -> forms.DateField:
    return forms.DateField(
        input_formats=DAY_FORMATS, widget=forms.DateInput(attrs={"type": "date"}), **kwargs
    )


def money_errors(what: str | Any) -> dict[str, Any]:
    message = _("Enter %(what)s in pounds and pence, for example 25.00.") % {"what": what}
    return {
        "required": message,
        "invalid": message,
        "min_value": _("Enter an amount of 0 or more."),
        "max_digits": _("Enter an amount below one million pounds."),
        "max_whole_digits": _("Enter an amount below one million pounds."),
        "max_decimal_places": _("Enter pence with two numbers at most, for example 4.50."),
    }


HOURS_ERRORS = {
    "required": _("Enter a number of hours, for example 3."),
    "invalid": _("Enter a number of hours, for example 3 or 3.5."),
    "min_value": _("Enter at least a quarter of an hour (0.25)."),
    "max_value": _("Enter 24 hours or fewer."),
    "max_digits": _("Enter 24 hours or fewer."),
    "max_whole_digits": _("Enter 24 hours or fewer."),
    "max_decimal_places": _("Enter hours with two numbers after the point at most."),
}


class PolicyForm(forms.ModelForm[PaymentPolicy]):
    """A new version of the project's payment policy (or a change to one not yet started)."""

    starts_on = day_field(
        label=_("Starts on"),
        help_text=_("Today or later. Pay for earlier activities follows the policy before."),
        error_messages={
            "required": _("Enter the day this policy starts, for example 1/4/2026."),
            "invalid": _("Enter the day this policy starts, for example 1/4/2026."),
        },
    )
    hourly_rate = MoneyField(
        label=_("Hourly rate in pounds"), error_messages=money_errors(_("the hourly rate"))
    )
    half_day_rate = MoneyField(
        label=_("Half-day amount in pounds"),
        required=False,
        help_text=_("Leave empty if you do not pay by the half day."),
        error_messages=money_errors(_("the half-day amount")),
    )
    full_day_rate = MoneyField(
        label=_("Full-day amount in pounds"),
        required=False,
        help_text=_("Leave empty if you do not pay by the day."),
        error_messages=money_errors(_("the full-day amount")),
    )
    methods = forms.MultipleChoiceField(
        label=_("Ways we can pay"),
        choices=[(m.value, m.label) for m in OFFERED_METHODS],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A member can always give their payment away, take less, or say no."),
        error_messages={
            "required": _("Choose at least one way to pay."),
            "invalid_choice": _("Choose ways to pay from the list."),
        },
    )

    class Meta:
        model = PaymentPolicy
        fields = ["starts_on", *PaymentPolicy.TERMS]
        help_texts = {
            "half_day_hours": _("A half-day amount is paid from this many hours."),
            "full_day_hours": _("A full-day amount is paid from this many hours."),
        }
        error_messages = {
            "half_day_hours": HOURS_ERRORS,
            "full_day_hours": HOURS_ERRORS,
            "days_to_pay": {
                "required": _("Enter the number of days within which you pay, such as 30."),
                "invalid": _("Enter a whole number of days, such as 30."),
                "min_value": _("Enter 0 days or more."),
                "max_value": _("Enter 365 days or fewer."),
            },
        }


class ExpenseForm(forms.Form):
    spent_on = day_field(
        label=_("Date you spent it"),
        error_messages={
            "required": _("Enter the date you spent the money, for example 27/3/2026."),
            "invalid": _("Enter the date you spent the money, for example 27/3/2026."),
        },
        validators=[not_in_the_future(_("The date you spent it cannot be in the future."))],
    )
    category = forms.ChoiceField(
        label=_("What was it for?"),
        choices=ExpenseCategory.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what the money was for."),
            "invalid_choice": _("Choose what the money was for."),
        },
    )
    amount = MoneyField(
        label=_("How much, in pounds"),
        min_value=Decimal("0.01"),
        error_messages={
            **money_errors(_("how much you spent")),
            "min_value": _("Enter how much you spent, for example 4.50."),
        },
    )
    description = limits.text_field(
        limit=limits.RESPONSE,
        label=_("Details (if you want to add any)"),
        required=False,
        help_text=_("For example: bus from home and back."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    receipt = forms.FileField(
        label=_("Receipt (if you have one)"),
        required=False,
        help_text=_("A photo or a PDF, smaller than 5 MB. On a phone you can take a photo."),
        widget=forms.FileInput(attrs={"accept": receipts.ACCEPT}),
        error_messages={
            "empty": _("The file you chose is empty. Choose another file."),
            "invalid": receipts.WRONG_TYPE,
            "missing": _("Choose the receipt again. It did not arrive."),
        },
    )

    def clean_receipt(self) -> Any:
        """The uploaded file, or None; refused here, by its size and bytes, in plain words."""
        upload = self.cleaned_data.get("receipt")
        if upload:
            try:
                receipts.content_type(upload)
            except receipts.ReceiptRefused as refused:
                raise forms.ValidationError(str(refused), code="receipt") from None
        return upload or None


APPROVE, REFUSE = "approve", "refuse"
CHOOSE_A_DECISION = _("Choose approve or refuse.")


class ExpenseDecisionForm(ItemForm):
    """A co-lead's decision on one claim (`item`), under it on the list."""

    id_prefix = "decide"
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[(APPROVE, _("Approve")), (REFUSE, _("Refuse"))],
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_A_DECISION, "invalid_choice": CHOOSE_A_DECISION},
    )
    reason = limits.text_field(
        limit=limits.RESPONSE,
        label=_("Reason, if you refuse"),
        required=False,
        help_text=_("The person will read this."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, item: Expense | None = None, **kwargs: Any) -> None:
        super().__init__(*args, item=item, **kwargs)
        # A decision already made shows as chosen, so changing it starts from what was said.
        if item is not None and not self.is_bound and item.status != ExpenseStatus.CLAIMED:
            approved = item.status == ExpenseStatus.APPROVED
            self.initial.update(
                decision=APPROVE if approved else REFUSE, reason=item.refusal_reason
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == REFUSE and not limits.has_words(data.get("reason", "")):
            self.add_error("reason", _("Write why you are refusing this claim."))
        return data

    @property
    def approve(self) -> bool:
        return bool(self.cleaned_data["decision"] == APPROVE)


NOT_CHOSEN = ""
CHOOSE_A_STATUS = _("Choose due, paid or declined.")
PAID_ON_ERROR = _("Enter the date it was paid, for example 27/3/2026.")


class PaymentRecordForm(ItemForm):
    """A co-lead's record of one involvement payment (`item`), under it on the list."""

    id_prefix = "pay"
    method = forms.ChoiceField(
        label=_("How it is paid"),
        choices=[(NOT_CHOSEN, _("Not chosen yet")), *PaymentMethod.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose how it is paid from the list.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=PaymentStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_A_STATUS, "invalid_choice": CHOOSE_A_STATUS},
    )
    paid_on = day_field(
        label=_("Date paid"),
        required=False,
        help_text=_("Only if it has been paid."),
        error_messages={"invalid": PAID_ON_ERROR},
        validators=[not_in_the_future(_("The date it was paid cannot be in the future."))],
    )
    benefits_advice_offered = forms.BooleanField(
        label=_("We offered benefits advice"), required=False
    )

    def __init__(self, *args: Any, item: InvolvementPayment | None = None, **kwargs: Any) -> None:
        super().__init__(*args, item=item, **kwargs)
        if item is not None and not self.is_bound:
            self.initial.update(
                method=item.method,
                status=item.status,
                paid_on=item.paid_on,
                benefits_advice_offered=item.benefits_advice_offered,
            )

    def clean(self) -> dict[str, Any]:
        # Checked here too (the service refuses the same) so each message links to its box.
        data = super().clean() or {}
        if data.get("status") == PaymentStatus.PAID:
            if not data.get("method"):
                self.add_error("method", _("Choose how it was paid."))
            if not data.get("paid_on") and "paid_on" not in self.errors:
                self.add_error("paid_on", PAID_ON_ERROR)
        elif data.get("paid_on"):
            # Rather than drop a typed date without a word.
            self.add_error("paid_on", _("Choose Paid, or leave the date paid empty."))
        return data
