"""Payment for involvement: the payment policy page, payments due, expenses and the finance
export.

Each view: access → form → one service call. Co-leads manage the policy and decide claims; a
member sees only their own claims; commissioners see nobody's money.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.http import AuthenticatedHttpRequest as Request
from coproduce.kept_forms import form_page, kept_fields, post_only
from projects.permissions import (
    CLAIM_EXPENSES,
    MANAGE_PAYMENTS,
    VIEW_PROJECT,
    ProjectAccess,
    access_project,
)
from projects.services import ProjectError

from .. import receipts
from ..forms.payments import ExpenseDecisionForm, ExpenseForm, PaymentRecordForm, PolicyForm
from ..models import BENEFITS_NOTE, Expense, InvolvementPayment, PaymentPolicy
from ..selectors import payments as reading
from ..services import payments

PAGE_SIZE = 30


def _policy_page(request: Request, access: ProjectAccess, form: PolicyForm) -> HttpResponse:
    today = timezone.localdate()
    versions = PaymentPolicy.objects.filter(project=access.project).order_by("-starts_on")
    return render(
        request,
        "participation/payments/policy.html",
        access.page_context(
            nav="payments",
            form=form,
            rows=[(v, v.has_started(today)) for v in versions],
            in_force=versions.in_force_on(today),
            benefits_note=BENEFITS_NOTE,
        ),
    )


@form_page
def policy(request: Request, slug: str) -> HttpResponse:
    access = access_project(request.user, slug, MANAGE_PAYMENTS)
    if request.method != "POST":
        return _policy_page(request, access, PolicyForm(initial=kept_fields(request)))
    form = PolicyForm(request.POST)
    if form.is_valid():
        terms = {k: v for k, v in form.cleaned_data.items() if k != "starts_on"}
        try:
            payments.set_policy(
                project=access.project,
                actor=request.user,
                starts_on=form.cleaned_data["starts_on"],
                **terms,
            )
        except ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Payment policy saved."))
            return redirect("payments:policy", slug=slug)
    return _policy_page(request, access, form)


@post_only("payments:policy", "slug")
def policy_withdraw(request: Request, slug: str, pk: int) -> HttpResponse:
    access = access_project(request.user, slug, MANAGE_PAYMENTS)
    version = get_object_or_404(PaymentPolicy, pk=pk, project=access.project)
    try:
        payments.withdraw_policy(policy=version)
    except ProjectError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("That policy will not start. It has been removed."))
    return redirect("payments:policy", slug=slug)


def _money_access(request: Request, slug: str) -> ProjectAccess:
    """Members who may claim, and co-leads; anyone else in the project is refused (403)."""
    access = access_project(request.user, slug, VIEW_PROJECT)
    if not (access.can(CLAIM_EXPENSES) or access.can(MANAGE_PAYMENTS)):
        raise PermissionDenied
    return access


def _expenses_page(
    request: Request,
    access: ProjectAccess,
    *,
    form: ExpenseForm | None = None,
    error_form: BaseForm | None = None,
) -> HttpResponse:
    """My claims (with the form to add one) and, for co-leads, everyone's with a decision form
    under each. `error_form` is a form from this page that failed, shown in place."""
    project = access.project
    mine = Expense.objects.filter(project=project, member=access.membership.user_id)
    items: list[tuple[Expense, ExpenseDecisionForm]] = []
    page = None
    if access.can(MANAGE_PAYMENTS):
        everyone = (
            Expense.objects.filter(project=project)
            .select_related("member", "decided_by")
            .order_by("-created_at", "-pk")
        )
        page = Paginator(everyone, PAGE_SIZE).get_page(request.GET.get("page"))
        failed = error_form if isinstance(error_form, ExpenseDecisionForm) else None
        items = [
            (e, failed if failed and failed.is_for(e) else ExpenseDecisionForm(item=e))
            for e in page.object_list
        ]
    if form is None and access.can(CLAIM_EXPENSES):
        form = ExpenseForm(initial=kept_fields(request))
    return render(
        request,
        "participation/payments/expenses.html",
        access.page_context(
            nav="expenses",
            form=form if access.can(CLAIM_EXPENSES) else None,
            error_form=error_form,
            mine=mine.select_related("decided_by")[:PAGE_SIZE],
            my_payments=reading.my_payments(
                project, access.membership.user_id, timezone.localdate(), PAGE_SIZE
            ),
            page=page,
            items=items,
            in_force=PaymentPolicy.objects.filter(project=project).in_force_on(
                timezone.localdate()
            ),
            benefits_note=BENEFITS_NOTE,
        ),
    )


@form_page
def expenses(request: Request, slug: str) -> HttpResponse:
    if request.method != "POST":
        return _expenses_page(request, _money_access(request, slug))
    access = access_project(request.user, slug, CLAIM_EXPENSES)
    form = ExpenseForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            payments.claim_expense(project=access.project, member=request.user, **form.cleaned_data)
        except ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Claim sent. A co-lead will look at it."))
            return redirect("payments:expenses", slug=slug)
    return _expenses_page(request, access, form=form, error_form=form)


@login_required
def receipt(request: Request, slug: str, pk: int) -> FileResponse:
    """A claim's receipt, as a download: for the person who claimed and for co-leads only
    (another member: 403; anyone outside the project: 404). Never shown in the browser, so a
    file cannot run as a page of this site."""
    access = access_project(request.user, slug, VIEW_PROJECT)
    expense = get_object_or_404(Expense.objects.exclude(receipt=""), pk=pk, project=access.project)
    if expense.member_id != request.user.pk and not access.can(MANAGE_PAYMENTS):
        raise PermissionDenied
    extension = receipts.EXTENSIONS.get(expense.receipt_type, "")
    response = FileResponse(
        expense.receipt.open("rb"),
        as_attachment=True,
        filename=f"receipt-{expense.pk}{extension}",
        content_type=expense.receipt_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@post_only("payments:expenses", "slug")
def expense_decide(request: Request, slug: str, pk: int) -> HttpResponse:
    access = access_project(request.user, slug, MANAGE_PAYMENTS)
    expense = get_object_or_404(
        Expense.objects.select_related("member"), pk=pk, project=access.project
    )
    form = ExpenseDecisionForm(request.POST, item=expense)
    if form.is_valid():
        try:
            payments.decide_expense(
                expense=expense,
                actor=request.user,
                approve=form.approve,
                reason=form.cleaned_data["reason"],
            )
        except ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Decision saved. The person can see it."))
            return redirect("payments:expenses", slug=slug)
    return _expenses_page(request, access, error_form=form)


def _payments_page(
    request: Request, access: ProjectAccess, *, error_form: PaymentRecordForm | None = None
) -> HttpResponse:
    """What is owed per member, then every payment (still due first) with a form under each.
    `error_form` is one of those forms that failed, shown in its place."""
    today = timezone.localdate()
    page = Paginator(reading.payments_due_first(access.project, today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = [
        (p, error_form if error_form and error_form.is_for(p) else PaymentRecordForm(item=p))
        for p in page.object_list
    ]
    owed = reading.owed_per_member(access.project, today)
    return render(
        request,
        "participation/payments/payments.html",
        access.page_context(
            nav="payments_due",
            error_form=error_form,
            owed=owed,
            page=page,
            items=items,
            overdue_count=sum(row["overdue_count"] for row in owed),
            benefits_note=BENEFITS_NOTE,
        ),
    )


@login_required
def payment_list(request: Request, slug: str) -> HttpResponse:
    return _payments_page(request, access_project(request.user, slug, MANAGE_PAYMENTS))


@post_only("payments:list", "slug")
def payment_record(request: Request, slug: str, pk: int) -> HttpResponse:
    access = access_project(request.user, slug, MANAGE_PAYMENTS)
    payment = get_object_or_404(
        InvolvementPayment.objects.select_related("member"), pk=pk, project=access.project
    )
    form = PaymentRecordForm(request.POST, item=payment)
    if form.is_valid():
        try:
            payments.record_payment(payment=payment, actor=request.user, **form.cleaned_data)
        except ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Payment saved."))
            return redirect("payments:list", slug=slug)
    return _payments_page(request, access, error_form=form)


@login_required
def finance_export(request: Request, slug: str) -> HttpResponse:
    access = access_project(request.user, slug, MANAGE_PAYMENTS)
    response = HttpResponse(
        payments.finance_csv(access.project), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-finance.csv"'
    return response
