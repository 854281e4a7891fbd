"""Pages for stage gates. Each view: access → form → one service call."""

from __future__ import annotations

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.http import AuthenticatedHttpRequest as Request
from coproduce.kept_forms import form_page, kept_fields, post_only

from . import gate_closing, gate_reading, gates, guards
from .gate_forms import ObjectionResponseForm, OpenGateForm, ProposalForm, SignOffForm, VoteForm
from .models import Gate, Vote
from .permissions import MANAGE_GATES, SIGN_OFF, VIEW_PROJECT, VOTE, ProjectAccess, access_project


def _gate(request: Request, slug: str, pk: int, perm: str) -> tuple[ProjectAccess, Gate]:
    access = access_project(request.user, slug, perm)
    gate = get_object_or_404(
        Gate.objects.select_related("project", "signoff"), pk=pk, project=access.project
    )
    return access, gate


def _gate_page(
    request: Request,
    access: ProjectAccess,
    gate: Gate,
    *,
    vote_form: VoteForm | None = None,
    proposal_form: ProposalForm | None = None,
    open_form: OpenGateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The decision page; a form sent with mistakes comes back in place with what was typed."""
    user = request.user
    # What was sent from this page just before the session ended, to be sent again.
    kept = kept_fields(request)
    context = access.page_context(nav="gates", gate=gate, access=access)
    if gate.is_draft and access.can(MANAGE_GATES):
        context["guards"] = guards.check_guards(gate)
        context["proposal_form"] = proposal_form or ProposalForm(
            instance=gate, initial=kept or None
        )
        context["open_form"] = open_form or OpenGateForm(
            initial={"window_hours": access.project.voting_window_hours, **kept}
        )
    my_vote = None if gate.is_draft else Vote.objects.filter(gate=gate, voter=user).first()
    context["my_vote"] = my_vote
    if gate.is_open:
        context["turnout"] = gate_closing.turnout(gate)
        if access.may_vote_on(gate):
            before = {"choice": my_vote.choice, "reason": my_vote.reason} if my_vote else {}
            context["vote_form"] = vote_form or VoteForm(initial={**before, **kept} or None)
        elif access.can(VOTE):
            context["no_vote_reason"] = gates.JOINED_AFTER_OPENING
    if gate.is_closed or gate.is_withdrawn:
        context["outcome"] = gate_reading.describe_outcome(gate)
    if gate.is_closed:
        context["objections"] = gate_reading.objections(gate)
        context["can_respond"] = access.can(MANAGE_GATES)
        context["can_sign_off"] = access.can(SIGN_OFF) and gate_reading.awaits_signoff(gate)
        context["signoff_waits_for_commissioner"] = gate_reading.waits_for_a_commissioner(gate)
    return render(request, "projects/gate_detail.html", context, status=status)


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


@form_page
def gate_new(request: Request, slug: str) -> HttpResponse:
    """The checks first, then the proposal. Not offered while a decision is in progress or
    waiting for sign-off: the page says which, and links to it."""
    access = access_project(request.user, slug, MANAGE_GATES)
    project = access.project
    form = ProposalForm(request.POST or None, initial=kept_fields(request))
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
        status=400 if form.errors else 200,
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
            # The decision moved on (opened or withdrawn in another tab): say so on its page.
            messages.error(request, str(error))
        else:
            changed = updated.revised_at != gate.revised_at
            messages.success(
                request,
                _("Proposal updated.")
                if changed
                else _("Nothing changed: the words are the same."),
            )
        return redirect(gate)
    return _gate_page(request, access, gate, proposal_form=form, status=400)


@post_only("projects:gate", "slug", "pk")
def gate_withdraw(request: Request, slug: str, pk: int) -> HttpResponse:
    _access, gate = _gate(request, slug, pk, MANAGE_GATES)
    try:
        gates.withdraw_gate(gate=gate, actor=request.user)
    except gates.GateError as error:
        messages.error(request, str(error))
        return redirect(gate)
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
            if gate.is_draft:
                form.add_error(None, str(error))  # a check failed: shown by the form
                return _gate_page(request, access, gate, open_form=form, status=400)
            messages.error(request, str(error))  # withdrawn or closed in another tab
        else:
            messages.success(request, _("Voting is open. Members can now vote."))
        return redirect(gate)
    return _gate_page(request, access, gate, open_form=form, status=400)


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
    if not form.is_valid():
        return _gate_page(request, access, gate, vote_form=form, status=400)
    try:
        gates.cast_vote(gate=gate, voter=request.user, **form.cleaned_data)
    except gates.GateError as error:
        messages.error(request, str(error))
        return redirect(gate)
    gate.refresh_from_db(fields=["status"])
    if gate.is_closed:
        messages.success(
            request,
            _("Your vote is saved. Everyone who could vote has now voted, so voting has closed."),
        )
    else:
        messages.success(request, _("Your vote is saved. You can change it until voting closes."))
    return redirect(gate)


@form_page
def gate_signoff(request: Request, slug: str, pk: int) -> HttpResponse:
    access, gate = _gate(request, slug, pk, SIGN_OFF)
    form = SignOffForm(request.POST or None, initial=kept_fields(request))
    if request.method == "POST" and form.is_valid():
        try:
            gates.record_signoff(gate=gate, commissioner=request.user, **form.cleaned_data)
        except gates.GateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your sign-off is recorded."))
            return redirect(gate)
    return render(
        request,
        "projects/gate_signoff.html",
        access.page_context(
            nav="gates",
            gate=gate,
            pack=gate_reading.evidence_pack(gate),
            outcome=gate_reading.describe_outcome(gate),
            form=form if gate_reading.awaits_signoff(gate) else None,
        ),
        status=400 if request.method == "POST" else 200,
    )


@post_only("projects:gate", "slug", "pk")
def objection_respond(request: Request, slug: str, pk: int, vote_pk: int) -> HttpResponse:
    _access, gate = _gate(request, slug, pk, MANAGE_GATES)
    objection = get_object_or_404(Vote, pk=vote_pk, gate=gate)
    form = ObjectionResponseForm(request.POST)
    if not form.is_valid():
        # The field's own words: "Please write a response.", or the length limit.
        messages.error(request, " ".join(str(error) for error in form.errors["body"]))
        return redirect(gate)
    try:
        gates.respond_to_objection(
            objection=objection, actor=request.user, body=form.cleaned_data["body"]
        )
    except gates.GateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Response recorded. Everyone in the project can read it."))
    return redirect(gate)
