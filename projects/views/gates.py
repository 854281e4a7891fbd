"""Pages for stage gates. Each view: access → form → one service call."""

from __future__ import annotations

from copy import copy
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.http import AuthenticatedHttpRequest as Request
from coproduce.http import posted
from coproduce.kept_forms import form_page, kept_fields, post_only
from coproduce.refusals import Refusal
from coproduce.site import absolute_url

from .. import panels
from ..forms.gates import ObjectionResponseForm, OpenGateForm, ProposalForm, SignOffForm, VoteForm
from ..models import Gate, Vote
from ..permissions import MANAGE_GATES, SIGN_OFF, VIEW_PROJECT, VOTE, ProjectAccess, access_project
from ..selectors import gates as gate_reading
from ..selectors.record import record_status
from ..services import closing as gate_closing
from ..services import gates, guards


def _gate(request: Request, slug: str, pk: int, perm: str) -> tuple[ProjectAccess, Gate]:
    access = access_project(request.user, slug, perm)
    # Every name the decision pages show comes in the one query: who proposed it and who
    # signed it off. The project is the one the door already read.
    gate = get_object_or_404(
        Gate.objects.select_related("proposed_by", "signoff__commissioner"),
        pk=pk,
        project=access.project,
    )
    gate.project = access.project
    return access, gate


def _gate_page(
    request: Request,
    access: ProjectAccess,
    gate: Gate,
    *,
    error_form: BaseForm | None = None,
) -> HttpResponse:
    """The decision page. `error_form` is a form sent from it that failed (with what was typed,
    its mistakes, or a service's refusal as a non-field error): it takes the place of its
    blank twin on the page, and the error summary at the top lists its messages."""
    user = request.user
    if error_form is not None:
        # A refusal may mean the decision moved on in another tab: show it as it is now.
        gate.refresh_from_db()
    # What was sent from this page just before the session ended, to be sent again.
    kept = kept_fields(request)
    context = access.page_context(nav="gates", gate=gate, access=access, error_form=error_form)
    if gate.is_draft and access.can(MANAGE_GATES):
        context["guards"] = guards.check_guards(gate)
        context["proposal_form"] = _failed(error_form, ProposalForm) or ProposalForm(
            instance=gate, initial=kept or None
        )
        context["open_form"] = _failed(error_form, OpenGateForm) or OpenGateForm(
            initial={"window_hours": access.project.voting_window_hours, **kept}
        )
    my_vote = (
        None
        if gate.is_draft
        else Vote.objects.filter(gate=gate, voter=user).select_related("recorded_by").first()
    )
    context["my_vote"] = my_vote
    if gate.is_closed:
        # Only after the close: while voting is open, counts by channel that change after a
        # vote recorded with help would tell the person helping whether the member had voted.
        context["channels"] = gate_reading.vote_channels(gate)
    if gate.is_open:
        context["turnout"] = gate_closing.turnout(gate)
        if access.may_vote_on(gate):
            before = {"choice": my_vote.choice, "reason": my_vote.reason} if my_vote else {}
            context["vote_form"] = _failed(error_form, VoteForm) or VoteForm(
                initial={**before, **kept} or None
            )
        elif access.can(VOTE):
            context["no_vote_reason"] = gates.JOINED_AFTER_OPENING
    if gate.is_closed or gate.is_withdrawn:
        context["outcome"] = gate_reading.describe_outcome(gate)
    if gate.is_closed:
        can_respond = access.can(MANAGE_GATES)
        failed = _failed(error_form, ObjectionResponseForm)
        context["objections"] = [
            (
                objection,
                (failed if failed and failed.is_for(objection) else None)
                or (ObjectionResponseForm(item=objection) if can_respond else None),
            )
            for objection in gate_reading.objections(gate)
        ]
        context["can_sign_off"] = access.can(SIGN_OFF) and gate_reading.awaits_signoff(gate)
        context["signoff_waits_for_commissioner"] = gate_reading.waits_for_a_commissioner(gate)
    return render(request, "projects/gate_detail.html", context)


F = TypeVar("F", bound=BaseForm)


def _failed(error_form: BaseForm | None, kind: type[F]) -> F | None:
    """The failed form if it is of this kind, to be shown in place of a blank one."""
    return error_form if isinstance(error_form, kind) else None


@login_required
def gate_list(request: Request, slug: str) -> HttpResponse:
    access = access_project(request.user, slug, VIEW_PROJECT)
    gate_rows = list(access.project.gates.select_related("signoff").order_by("-created_at", "-pk"))
    return render(
        request,
        "projects/gate_list.html",
        access.page_context(
            nav="gates",
            gates=[(gate, gate_reading.describe_outcome(gate)) for gate in gate_rows],
            can_propose=access.can(MANAGE_GATES),
            blocking=gate_reading.blocking_among(gate_rows),
        ),
    )


@login_required
def gate_detail(request: Request, slug: str, pk: int) -> HttpResponse:
    access, gate = _gate(request, slug, pk, VIEW_PROJECT)
    return _gate_page(request, access, gate)


@login_required
def gate_easy_read(request: Request, slug: str, pk: int) -> HttpResponse:
    """A printable, easy-read version of an open decision, for meetings and drop-in sessions.
    A decision not open for votes has none: the page says so, as a "not found"."""
    access, gate = _gate(request, slug, pk, VIEW_PROJECT)
    return render(
        request,
        "projects/gate_easy_read.html",
        access.page_context(
            nav="gates",
            gate=gate,
            text_number=settings.SMS_FROM,
            online_link=absolute_url(gate.get_absolute_url()),
        ),
        status=200 if gate.is_open else 404,
    )


@form_page
def gate_new(request: Request, slug: str) -> HttpResponse:
    """The checks first, then the proposal. Not offered while a decision is in progress or
    waiting for sign-off: the page says which, and links to it."""
    access = access_project(request.user, slug, MANAGE_GATES)
    project = access.project
    form = ProposalForm(posted(request), initial=kept_fields(request))
    if request.method == "POST" and form.is_valid():
        try:
            gate = gates.draft_gate(project=project, actor=request.user, **form.cleaned_data)
        except gates.GateError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Proposal saved. Check it, then open voting."))
            return redirect(gate)
    blocking = gate_reading.blocking_gate(project)
    next_stage = project.stage_enum.next
    checks = (
        guards.check_proposal(project, from_stage=project.stage, proposed_at=timezone.now())
        if blocking is None and next_stage is not None
        else []
    )
    return render(
        request,
        "projects/gate_new.html",
        access.page_context(
            nav="gates",
            form=form,
            next_stage=next_stage,
            blocking=blocking,
            checks=checks,
            checks_pass=all(check.passed for check in checks),
        ),
    )


@post_only(
    "projects:gate",
    "slug",
    "pk",
    message=gettext_lazy(
        "You were signed out before your changes to the proposal were saved. They are filled "
        "in below: please save them again."
    ),
)
def gate_edit(request: Request, slug: str, pk: int) -> HttpResponse:
    access, gate = _gate(request, slug, pk, MANAGE_GATES)
    form = ProposalForm(request.POST, instance=copy(gate))
    if form.is_valid():
        try:
            updated = gates.update_draft(gate=gate, actor=request.user, **form.cleaned_data)
        except gates.GateError as error:
            # The decision moved on (opened or withdrawn in another tab): said at the top.
            form.add_error(None, str(error))
        else:
            changed = updated.revised_at != gate.revised_at
            messages.success(
                request,
                _("Proposal updated.")
                if changed
                else _("Nothing changed: the words are the same."),
            )
            return redirect(gate)
    return _gate_page(request, access, gate, error_form=form)


@post_only("projects:gate", "slug", "pk")
def gate_withdraw(request: Request, slug: str, pk: int) -> HttpResponse:
    access, gate = _gate(request, slug, pk, MANAGE_GATES)
    try:
        gates.withdraw_gate(gate=gate, actor=request.user)
    except gates.GateError as error:
        return _gate_page(request, access, gate, error_form=Refusal(str(error)))
    messages.success(
        request, _("The proposal is withdrawn. You can propose a new decision when you are ready.")
    )
    return redirect("projects:gates", slug=slug)


@post_only("projects:gate", "slug", "pk")
def gate_open(request: Request, slug: str, pk: int) -> HttpResponse:
    access, gate = _gate(request, slug, pk, MANAGE_GATES)
    form = OpenGateForm(request.POST)
    if form.is_valid():
        try:
            gates.open_gate(
                gate=gate, actor=request.user, window_hours=form.cleaned_data["window_hours"]
            )
        except gates.GateError as error:
            # A check failed, or the decision was withdrawn or closed in another tab.
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Voting is open. Members can now vote."))
            return redirect(gate)
    return _gate_page(request, access, gate, error_form=form)


@post_only(
    "projects:gate",
    "slug",
    "pk",
    message=gettext_lazy(
        "You were signed out before your vote was sent, so it was not saved. Your choice is "
        "filled in below: please send your vote again."
    ),
)
def gate_vote(request: Request, slug: str, pk: int) -> HttpResponse:
    access, gate = _gate(request, slug, pk, VOTE)
    form = VoteForm(request.POST)
    if form.is_valid():
        try:
            gates.cast_vote(gate=gate, voter=request.user, **form.cleaned_data)
        except gates.GateError as error:
            form.add_error(None, str(error))
        else:
            gate.refresh_from_db(fields=["status"])
            messages.success(
                request,
                _(
                    "Your vote is saved. Everyone who could vote has now voted, so voting has "
                    "closed."
                )
                if gate.is_closed
                else _("Your vote is saved. You can change it until voting closes."),
            )
            return redirect(gate)
    return _gate_page(request, access, gate, error_form=form)


@post_only("projects:gate", "slug", "pk")
def gate_vote_withdraw(request: Request, slug: str, pk: int) -> HttpResponse:
    access, gate = _gate(request, slug, pk, VOTE)
    try:
        taken_back = gates.withdraw_vote(gate=gate, voter=request.user)
    except gates.GateError as error:
        return _gate_page(request, access, gate, error_form=Refusal(str(error)))
    messages.success(
        request,
        _("Your vote is taken back. You can vote again until voting closes.")
        if taken_back
        else _("You have no vote on this decision to take back."),
    )
    return redirect(gate)


@form_page
def gate_signoff(request: Request, slug: str, pk: int) -> HttpResponse:
    access, gate = _gate(request, slug, pk, SIGN_OFF)
    form = SignOffForm(posted(request), initial=kept_fields(request))
    if request.method == "POST" and form.is_valid():
        try:
            gates.record_signoff(gate=gate, commissioner=request.user, **form.cleaned_data)
        except gates.GateError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your sign-off is recorded."))
            return redirect(gate)
    pack = gate_reading.evidence_pack(gate)
    return render(
        request,
        "projects/gate_signoff.html",
        access.page_context(
            nav="gates",
            gate=gate,
            pack=pack,
            outcome=gate_reading.describe_outcome(gate),
            objections=[(objection, None) for objection in pack.objections],
            unquoted=pack.unquoted,
            panels=panels.evidence(access, gate),
            record=record_status(access.project),
            form=form if gate_reading.awaits_signoff(gate) else None,
            error_form=form,
        ),
    )


@post_only("projects:gate", "slug", "pk")
def objection_respond(request: Request, slug: str, pk: int, vote_pk: int) -> HttpResponse:
    access, gate = _gate(request, slug, pk, MANAGE_GATES)
    objection = get_object_or_404(
        Vote.objects.select_related("voter", "response"), pk=vote_pk, gate=gate
    )
    form = ObjectionResponseForm(request.POST, item=objection)
    if form.is_valid():
        try:
            gates.respond_to_objection(objection=objection, actor=request.user, **form.cleaned_data)
        except gates.GateError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Response recorded. Everyone in the project can read it."))
            return redirect(gate)
    return _gate_page(request, access, gate, error_form=form)
