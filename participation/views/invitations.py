"""Co-lead pages for invitations. Each view: access → form → one service call.

Access goes through `access_project(..., MANAGE_MEMBERS)`: 404 for non-members, 403 for
members who are not co-leads. A refused change shows its plain-English reason and changes
nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.dates import day
from coproduce.http import AuthenticatedHttpRequest as Request
from coproduce.http import posted, posted_files
from coproduce.kept_forms import form_page, kept_fields, post_only
from coproduce.refusals import Refusal
from projects.permissions import MANAGE_MEMBERS, ProjectAccess, access_project

from ..forms.invitations import BulkInviteForm, InviteForm
from ..models import Invitation
from ..selectors.invitations import invitations_page
from ..services import bulk
from ..services.invitations import InvitationError, SendKind, Sent, invite, resend, revoke


def _sent_message(sent: Sent) -> str:
    invitation = sent.invitation
    words = {"who": invitation.name or invitation.contact, "date": day(invitation.expires_at)}
    return {
        SendKind.INVITED: _("Invitation sent to %(who)s. The link works until %(date)s."),
        SendKind.RESENT: _(
            "%(who)s had already been invited. We sent the invitation again with the same "
            "link, which now works until %(date)s."
        ),
        SendKind.RENEWED: _(
            "%(who)s had already been invited. We sent the invitation again with a new link, "
            "which works until %(date)s; the old link no longer works."
        ),
        SendKind.UNCHANGED: _(
            "This invitation was already sent to %(who)s less than a minute ago, so we did not "
            "send it again. The link works until %(date)s."
        ),
    }[sent.kind] % words


@form_page
def invitation_list(request: Request, slug: str) -> HttpResponse:
    """Every invitation to the project with its state, and the form to invite someone."""
    user = request.user
    access = access_project(user, slug, MANAGE_MEMBERS)
    form = InviteForm(posted(request), initial=kept_fields(request))
    if request.method == "POST" and form.is_valid():
        try:
            sent = invite(project=access.project, inviter=user, **form.cleaned_data)
        except InvitationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _sent_message(sent))
            return redirect("participation:invitations", slug=slug)
    return _invitations_page(request, access, form)


def _invitations_page(
    request: Request, access: ProjectAccess, form: InviteForm, refusal: Refusal | None = None
) -> HttpResponse:
    """The page; `refusal` says why a button ("Send again", "Withdraw") changed nothing."""
    listing = invitations_page(access.project, request.GET.get("page"), timezone.now())
    return render(
        request,
        "participation/invitations.html",
        access.page_context(
            nav="members",
            form=form,
            error_form=refusal,
            listing=listing,
            expiry_days=settings.INVITATION_EXPIRY_DAYS,
        ),
    )


def _invitation(access: ProjectAccess, pk: int) -> Invitation:
    return get_object_or_404(Invitation, pk=pk, project=access.project)


@post_only("participation:invitations", "slug")
def invitation_resend(request: Request, slug: str, pk: int) -> HttpResponse:
    user = request.user
    access = access_project(user, slug, MANAGE_MEMBERS)
    try:
        sent = resend(invitation=_invitation(access, pk), actor=user)
    except InvitationError as error:
        return _invitations_page(request, access, InviteForm(), Refusal(str(error)))
    messages.success(request, _sent_message(sent))
    return redirect("participation:invitations", slug=slug)


@post_only("participation:invitations", "slug")
def invitation_revoke(request: Request, slug: str, pk: int) -> HttpResponse:
    access = access_project(request.user, slug, MANAGE_MEMBERS)
    try:
        invitation = revoke(invitation=_invitation(access, pk))
    except InvitationError as error:
        return _invitations_page(request, access, InviteForm(), Refusal(str(error)))
    messages.success(
        request,
        _(
            "The invitation to %(who)s is withdrawn: its link no longer works. You can send "
            "it again later."
        )
        % {"who": invitation.name or invitation.contact},
    )
    return redirect("participation:invitations", slug=slug)


REPORT_KEY = "participation.bulk_report"


def _report_rows(report: list[bulk.Row]) -> list[dict[str, Any]]:
    """The report as plain data, to show it again after the redirect."""
    return [
        {
            "line": row.line,
            "name": row.name,
            "contact": row.contact,
            "role": str(row.role.label) if row.role else "",
            "outcome": row.outcome,
            "ok": row.status in bulk.FINE,
        }
        for row in report
    ]


def _bulk_message(report: list[bulk.Row]) -> str:
    done = sum(1 for row in report if row.status in bulk.DONE)
    unchanged = sum(1 for row in report if row.status == bulk.RowStatus.UNCHANGED)
    if unchanged and not done:
        return ngettext(
            "Nothing new was sent: this invitation was sent less than a minute ago.",
            "Nothing new was sent: these %(n)d invitations were sent less than a minute ago.",
            unchanged,
        ) % {"n": unchanged}
    return ngettext(
        "%(n)d invitation sent. The result for each line is below.",
        "%(n)d invitations sent. The result for each line is below.",
        done,
    ) % {"n": done}


@form_page
def bulk_invite(request: Request, slug: str) -> HttpResponse:
    """Check a CSV row by row (nothing is sent), then send the rows that are fine.

    After sending, the report is kept in the session and shown once after a redirect, so
    reloading the page cannot send the invitations a second time.
    """
    user = request.user
    access = access_project(user, slug, MANAGE_MEMBERS)
    form = BulkInviteForm(posted(request), posted_files(request))
    checked: list[bulk.Row] = []
    from_file = False
    if request.method == "POST" and form.is_valid():
        options = {
            "project": access.project,
            "text": form.cleaned_data["csv_text"],
            "default_role": form.cleaned_data["default_role"],
        }
        try:
            if "send" in request.POST:
                report = bulk.send(inviter=user, message=form.cleaned_data["message"], **options)
                request.session[REPORT_KEY] = _report_rows(report)
                messages.success(request, _bulk_message(report))
                return redirect("participation:bulk_invite", slug=slug)
            checked = bulk.check(**options)
            # A browser never sends a chosen file twice, so the checked list goes back in the
            # box, from a file or not: "Send" sends exactly what was checked, and it can be
            # changed first.
            from_file = form.cleaned_data["csv_file"] is not None
            form = BulkInviteForm(
                initial={
                    "csv_text": options["text"],
                    "default_role": form.cleaned_data["default_role"] or "",
                    "message": form.cleaned_data["message"],
                }
            )
        except bulk.BulkError as error:
            form.add_error("csv_text", str(error))
    results = request.session.pop(REPORT_KEY, None) if request.method == "GET" else None
    return render(
        request,
        "participation/bulk_invite.html",
        access.page_context(
            nav="members",
            form=form,
            checked=_report_rows(checked),
            ready=sum(1 for row in checked if row.sendable),
            from_file=from_file,
            results=results,
        ),
    )
