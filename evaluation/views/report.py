"""A project's evaluation report, its downloads, and the forms for the team's part of it.

Every member reads it, commissioners included (VIEW_EVALUATION); the two groups who did the
work write the summary and findings (WRITE_EVALUATION). The flags, on the page, in their CSV
and in the PDF, only for those `evaluation.flags.visible_to` allows (co-leads and
commissioners); the flags CSV is refused (403) to other members, as any page they may not
open. Outsiders get 404 through the one access door. Each view: access → form → one service
call.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coproduce.http import AuthenticatedHttpRequest as Request
from coproduce.kept_forms import post_only
from coproduce.refusals import Refusal
from projects.permissions import VIEW_EVALUATION, WRITE_EVALUATION, ProjectAccess, access_project
from projects.selectors.record import record_status
from projects.services import ProjectError

from .. import flags, pdf
from ..forms.report import FindingForm, SummaryForm
from ..models import MIN_ANSWERS
from ..models.report import Finding
from ..selectors import report as selectors
from ..services import report as services

logger = logging.getLogger(__name__)


def _report_page(
    request: Request,
    access: ProjectAccess,
    *,
    summary_form: SummaryForm | None = None,
    finding_form: FindingForm | None = None,
    error_form: BaseForm | None = None,
) -> HttpResponse:
    """The report, with the forms for members who write it. A form that failed comes back
    in place with what was typed, its messages in the summary at the top."""
    project = access.project
    shown = selectors.report(project, flags_shown=flags.visible_to(access))
    writer = access.can(WRITE_EVALUATION)
    if writer:
        summary_form = summary_form or SummaryForm.from_version(shown.summary)
        finding_form = finding_form or FindingForm(project=project, person=request.user)
    return render(
        request,
        "evaluation/report.html",
        access.page_context(
            nav="evaluation",
            report=shown,
            summary_form=summary_form if writer else None,
            finding_form=finding_form if writer else None,
            error_form=error_form,
            me=request.user.pk,
            min_answers=MIN_ANSWERS,
            record=record_status(access.project),
        ),
    )


@login_required
def report(request: Request, slug: str) -> HttpResponse:
    access = access_project(request.user, slug, VIEW_EVALUATION)
    return _report_page(request, access)


@post_only("reports:report", "slug")
def save_summary(request: Request, slug: str) -> HttpResponse:
    access = access_project(request.user, slug, WRITE_EVALUATION)
    form = SummaryForm(request.POST)
    if form.is_valid():
        try:
            services.save_summary(
                project=access.project,
                author=request.user,
                based_on=form.cleaned_data["based_on"],
                parts=form.parts(),
            )
        except services.SummaryChanged as changed:
            # Keep every word they typed and every part the other person changed, now based
            # on the latest version, so that saving again loses neither.
            merged = services.merge_with_latest(
                project=access.project,
                based_on=form.cleaned_data["based_on"],
                parts=form.parts(),
                latest=changed.latest,
            )
            data = request.POST.copy()
            for name, text in merged.parts.items():
                data[form.add_prefix(name)] = text
            data[form.add_prefix("based_on")] = str(changed.latest.number)
            form = SummaryForm(data)
            form.is_valid()
            form.add_error(None, str(changed))
            for name in merged.both_changed:
                form.add_error(
                    name,
                    _("%(name)s also changed this part. Their words: “%(text)s”")
                    % {"name": changed.saver, "text": merged.theirs[name]},
                )
        except ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The summary is saved. Everyone in the project can read it.")
            )
            return redirect("reports:report", slug=slug)
    return _report_page(request, access, summary_form=form, error_form=form)


@post_only("reports:report", "slug")
def add_finding(request: Request, slug: str) -> HttpResponse:
    access = access_project(request.user, slug, WRITE_EVALUATION)
    form = FindingForm(request.POST, project=access.project, person=request.user)
    if form.is_valid():
        try:
            finding = services.add_finding(
                project=access.project, author=request.user, **form.cleaned_data
            )
        except ProjectError as error:
            form.add_error(None, str(error))
        else:
            if finding.named and form.refused_quoting:
                messages.success(
                    request,
                    _(
                        "Your finding is added to the report, without your name: you said no "
                        "to being quoted. You can change that on the page What you agree to."
                    ),
                )
            else:
                messages.success(request, _("Your finding is added to the report."))
            return redirect("reports:report", slug=slug)
    return _report_page(request, access, finding_form=form, error_form=form)


@post_only("reports:report", "slug")
def withdraw_finding(request: Request, slug: str, pk: int) -> HttpResponse:
    # Withdrawing writes the evaluation: commissioners, who only read it, are refused as
    # they are when adding a finding.
    access = access_project(request.user, slug, WRITE_EVALUATION)
    finding = Finding.objects.filter(pk=pk, project=access.project).first()
    if finding is None:  # withdrawn already: a double tap
        messages.success(request, _("Your finding is withdrawn."))
        return redirect("reports:report", slug=slug)
    try:
        services.withdraw_finding(finding=finding, user=request.user)
    except ProjectError as error:
        return _report_page(request, access, error_form=Refusal(str(error)))
    messages.success(request, _("Your finding is withdrawn."))
    return redirect("reports:report", slug=slug)


def _download(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def table_csv(request: Request, slug: str, key: str) -> HttpResponse:
    access = access_project(request.user, slug, VIEW_EVALUATION)
    indicator = selectors.find_indicator(access.project, key)
    if indicator is None:
        raise Http404
    return _download(selectors.table_csv(indicator), "text/csv; charset=utf-8", f"{slug}-{key}.csv")


@login_required
def flags_csv(request: Request, slug: str) -> HttpResponse:
    access = access_project(request.user, slug, VIEW_EVALUATION)
    if not flags.visible_to(access):
        # The "You cannot do this here" page says why (as `access_project` refusals do).
        raise PermissionDenied(
            _("Only the project's co-leads and commissioners see the warning signs.")
        )
    return _download(
        selectors.flags_csv(selectors.flags(access.project)),
        "text/csv; charset=utf-8",
        f"{slug}-flags.csv",
    )


@login_required
def report_pdf(request: Request, slug: str) -> HttpResponse:
    access = access_project(request.user, slug, VIEW_EVALUATION)
    shown = selectors.report(access.project, flags_shown=flags.visible_to(access), for_pdf=True)
    try:
        content = pdf.report_pdf(shown, record=record_status(access.project))
    except pdf.PdfError:
        logger.exception("The evaluation report PDF of project %s could not be made", slug)
        return _report_page(
            request,
            access,
            error_form=Refusal(
                _(
                    "The PDF of the report could not be made just now. Nothing is lost: "
                    "everything in it is on this page. Please try again later, or download "
                    "the tables one by one."
                )
            ),
        )
    return _download(content, "application/pdf", f"{slug}-evaluation.pdf")
