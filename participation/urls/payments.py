"""Routes for payment for involvement, mounted under /projects/ by coproduce/urls.py."""

from django.urls import URLPattern, path

from ..views import payments

app_name = "payments"

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/payments/policy/", payments.policy, name="policy"),
    path(
        "<slug:slug>/payments/policy/<int:pk>/withdraw/",
        payments.policy_withdraw,
        name="policy_withdraw",
    ),
    path("<slug:slug>/payments/", payments.payment_list, name="list"),
    path("<slug:slug>/payments/<int:pk>/", payments.payment_record, name="record"),
    path("<slug:slug>/expenses/", payments.expenses, name="expenses"),
    path("<slug:slug>/expenses/<int:pk>/decide/", payments.expense_decide, name="decide"),
    path("<slug:slug>/expenses/<int:pk>/receipt/", payments.receipt, name="receipt"),
    path("<slug:slug>/payments/finance.csv", payments.finance_export, name="export"),
]
