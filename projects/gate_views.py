"""Pages for stage gates. Each view: access → form → one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.http import AuthenticatedHttpRequest as Request
from coproduce.kept_forms import form_page, kept_fields, post_only

from . import gate_reading, gates, guards
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
    status: int = 200,
) -> HttpResponse:
    user = request.user
    # What was sent from this page just before the session ended, to be sent again.
    kept = kept_fields(request)
    context = access.page_context(nav="gates", gate=gate, access=access)
    if gate.is_draft and access.can(MANAGE_GATES):
        context["guards"] = guards.check_guards(gate)
        context["proposal_form"] = ProposalForm(instance=gate, initial=kept or None)
        context["open_form"] = OpenGateForm(
            initial={"window_hours": access.project.voting_window_hours, **kept}
        )
    my_vote = None if gate.is_draft else Vote.objects.filter(gate=gate, voter=user).first()
    context["my_vote"] = my_vote
    if gate.is_open:
        context["turnout"] = gates.turnout(gate)
        if access.can(VOTE) and gate.in_electorate(user.pk):
            before = {"choice": my_vote.choice, "reason": my_vote.reason} if my_vote else {}
            context["vote_form"] = vote_form or VoteForm(initial={**before, **kept} or None)
        elif access.can(VOTE):
            context["no_vote_reason"] = gates.JOINED_AFTER_OPENING
    if gate.is_closed:
        context["outcome"] = gate_reading.describe_outcome(gate)
        context["objections"] = gate_reading.objections(gate)
        context["can_respond"] = access.can(MANAGE_GATES)
        context["can_sign_off"] = access.can(SIGN_OFF) and gate_reading.awaits_signoff(gate)
    return render(request, "projects/gate_detail.html", context, status=status)


@login_required
def gate_list(request: Request, slug: str) -> HttpResponse:
    access = access_project(request.user, slug, VIEW_PROJECT)
    gate_rows = access.project.gates.select_related("signoff").order_by("-created_at", "-pk")
    return render(
        request,
        "projects/gate_list.html",
        access.page_context(
            nav="gates",
            gates=[(gate, gate_reading.describe_outcome(gate)) for gate in gate_rows],
            can_propose=access.can(MANAGE_GATES),
        ),
    )


@login_required
def gate_detail(request: Request, slug: str, pk: int) -> HttpResponse:
    access, gate = _gate(request, slug, pk, VIEW_PROJECT)
    return _gate_page(request, access, gate)


@form_page
def gate_new(request: Request, slug: str) -> HttpResponse:
    access = access_project(request.user, slug, MANAGE_GATES)
    form = ProposalForm(request.POST or None, initial=kept_fields(request))
    if request.method == "POST" and form.is_valid():
        try:
            gate = gates.draft_gate(project=access.project, actor=request.user, **form.cleaned_data)
        except gates.GateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Proposal saved. Check it, then open voting."))
            return redirect(gate)
    return render(
        request,
        "projects/gate_new.html",
        {"project": access.project, "form": form, "next_stage": access.project.stage_enum.next},
        status=400 if request.method == "POST" else 200,
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
    _access, gate = _gate(request, slug, pk, MANAGE_GATES)
    form = ProposalForm(request.POST, instance=gate)
    if not form.is_valid():
        messages.error(request, _("Please fill in both parts of the proposal."))
        return redirect(gate)
    try:
        gates.update_draft(gate=gate, actor=request.user, **form.cleaned_data)
    except gates.GateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Proposal updated."))
    return redirect(gate)


@post_only("projects:gate", "slug", "pk")
def gate_open(request: Request, slug: str, pk: int) -> HttpResponse:
    _access, gate = _gate(request, slug, pk, MANAGE_GATES)
    form = OpenGateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Voting must stay open for at least 24 hours."))
        return redirect(gate)
    try:
        gates.open_gate(
            gate=gate,
            actor=request.user,
            window_hours=form.cleaned_data["window_hours"],
        )
    except gates.GateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Voting is open. Members can now vote."))
    return redirect(gate)


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
        {
            "project": access.project,
            "gate": gate,
            "pack": gate_reading.evidence_pack(gate),
            "outcome": gate_reading.describe_outcome(gate),
            "form": form if gate_reading.awaits_signoff(gate) else None,
        },
        status=400 if request.method == "POST" else 200,
    )


@post_only("projects:gate", "slug", "pk")
def objection_respond(request: Request, slug: str, pk: int, vote_pk: int) -> HttpResponse:
    _access, gate = _gate(request, slug, pk, MANAGE_GATES)
    objection = get_object_or_404(Vote, pk=vote_pk, gate=gate)
    form = ObjectionResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write a response."))
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
