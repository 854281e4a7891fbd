"""Routes for evaluation's reports (see `evaluation.urls`)."""

from django.urls import URLPattern, path

from ..views import report

app_name = "reports"

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/evaluation/", report.report, name="report"),
    path("<slug:slug>/evaluation/summary/", report.save_summary, name="save_summary"),
    path("<slug:slug>/evaluation/findings/", report.add_finding, name="add_finding"),
    path(
        "<slug:slug>/evaluation/findings/<int:pk>/withdraw/",
        report.withdraw_finding,
        name="withdraw_finding",
    ),
    path("<slug:slug>/evaluation/tables/<slug:key>.csv", report.table_csv, name="table_csv"),
    path("<slug:slug>/evaluation/flags.csv", report.flags_csv, name="flags_csv"),
    path("<slug:slug>/evaluation/report.pdf", report.report_pdf, name="report_pdf"),
]
