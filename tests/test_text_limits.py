"""Every free-text field has a limit, refused in the same plain words by model, form and service."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from coproduce.forms import SignupDetailsForm
from participation.forms.contributions import ContributionForm, ResponseForm
from participation.forms.invitations import BulkInviteForm, InviteForm
from participation.models import Contribution, ContributionResponse, Invitation
from participation.services import contributions, invitations
from participation.services.invitations import InvitationError
from projects import services
from projects.forms.gates import ObjectionResponseForm, ProposalForm, SignOffForm, VoteForm
from projects.forms.projects import NewProjectForm, ProjectSettingsForm
from projects.models import Choice, Gate, ObjectionResponse, Project, Role, SignOff, Vote
from projects.services import ProjectError, gates
from tests.gate_helpers import lived_take_part, open_gate

pytestmark = pytest.mark.django_db

HUGE = "x" * 2_400_000  # the reported proposal: 2.4 MB


def over(limit: int) -> tuple[str, str]:
    """A text one character over `limit`, and the message that refuses it."""
    return "y" * (limit + 1), f"Write at most {limit:,} characters; you wrote {limit + 1:,}."


# (form class, the other valid data, the field, its limit)
FORMS: list[tuple[type[forms.BaseForm], dict[str, Any], str, int]] = [
    (ProposalForm, {"what_changes": "More hours."}, "proposal", 5_000),
    (ProposalForm, {"proposal": "Move on."}, "what_changes", 5_000),
    (VoteForm, {"choice": "object"}, "reason", 2_000),
    (SignOffForm, {"assured": "yes"}, "reasons", 5_000),
    (ObjectionResponseForm, {"outcome": "done"}, "body", 5_000),
    (ContributionForm, {"kind": "idea"}, "body", 5_000),
    (ResponseForm, {"outcome": "done"}, "body", 5_000),
    (InviteForm, {"email": "a@example.org", "role": "practitioner"}, "message", 1_000),
    (InviteForm, {"email": "a@example.org", "role": "practitioner"}, "name", 80),
    (BulkInviteForm, {"csv_text": "Sam,sam@example.org,,practitioner"}, "message", 1_000),
    (SignupDetailsForm, {}, "display_name", 80),
]
SETTINGS = {"decision_rule": "dual_key", "quorum": "0.5", "min_votes_per_bloc": "2"}
PROJECT_FORMS = [
    (NewProjectForm, {"summary": "Why.", "role": "practitioner"}, "title", 200),
    (NewProjectForm, {"title": "T", "role": "practitioner"}, "summary", 2_000),
    (ProjectSettingsForm, {"summary": "Why."}, "title", 200),
    (ProjectSettingsForm, {"title": "T"}, "summary", 2_000),
]


@pytest.mark.parametrize(
    ("form_class", "data", "field", "limit"),
    [
        *FORMS,
        *[
            (f, {**SETTINGS, "voting_window_hours": "72", **d}, n, m)
            for f, d, n, m in PROJECT_FORMS
        ],
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else None,
)
def test_every_text_box_refuses_one_character_too_many_in_plain_words(
    form_class, data, field, limit
):
    text, message = over(limit)
    form = form_class(data={**data, field: text})
    assert not form.is_valid()
    assert form.errors[field] == [message]
    assert form_class(data={**data, field: text[:-1]}).is_valid()
    # No maxlength attribute: a browser would cut pasted text at it without a word.
    assert "maxlength" not in str(form[field])


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        (Project, "title", 200),
        (Project, "summary", 2_000),
        (Gate, "proposal", 5_000),
        (Gate, "what_changes", 5_000),
        (Vote, "reason", 2_000),
        (ObjectionResponse, "body", 5_000),
        (SignOff, "reasons", 5_000),
        (Contribution, "body", 5_000),
        (ContributionResponse, "body", 5_000),
        (Invitation, "message", 1_000),
        (Invitation, "name", 80),
    ],
)
def test_every_text_field_has_its_limit_in_the_model(model, field, limit):
    text, message = over(limit)
    model_field = model._meta.get_field(field)
    with pytest.raises(ValidationError) as refused:
        model_field.clean(text, model())
    assert refused.value.messages == [message]
    model_field.clean(text[:-1], model())


def test_a_huge_proposal_is_refused_by_the_page_and_nothing_is_stored(
    client: Client, project, practitioner, expert
):
    lived_take_part(project, expert)
    client.force_login(practitioner)
    response = client.post(
        reverse("projects:gate_new", kwargs={"slug": project.slug}),
        {"proposal": HUGE, "what_changes": "More hours."},
    )
    assert response.status_code == 200
    assert "Write at most 5,000 characters; you wrote 2,400,000." in response.content.decode()
    assert not Gate.objects.exists()


def test_gate_services_refuse_over_long_text_with_their_own_error(project, practitioner, expert):
    with pytest.raises(gates.GateError, match="at most 5,000 characters"):
        gates.draft_gate(project=project, actor=practitioner, proposal=HUGE, what_changes="x")
    with pytest.raises(gates.GateError, match="at most 5,000 characters"):
        gates.draft_gate(project=project, actor=practitioner, proposal="x", what_changes=HUGE)
    assert not Gate.objects.exists()
    lived_take_part(project, expert)
    gate = gates.draft_gate(project=project, actor=practitioner, proposal="x", what_changes="y")
    with pytest.raises(gates.GateError, match="at most 5,000 characters"):
        gates.update_draft(gate=gate, actor=practitioner, proposal=HUGE, what_changes="x")
    gate = gates.open_gate(gate=gate, actor=practitioner)
    with pytest.raises(gates.GateError, match="at most 2,000 characters"):
        gates.cast_vote(gate=gate, voter=expert, choice=Choice.OBJECT, reason=HUGE)
    assert not Vote.objects.exists()


def test_sign_off_and_objection_responses_refuse_over_long_text(
    project, practitioner, expert, commissioner
):
    gate = open_gate(project, practitioner, expert)
    vote = Vote.objects.create(gate=gate, voter=expert, choice=Choice.OBJECT, reason="No.")
    with pytest.raises(gates.GateError, match="at most 5,000 characters"):
        gates.record_signoff(gate=gate, commissioner=commissioner, assured=True, reasons=HUGE)
    with pytest.raises(gates.GateError, match="at most 5,000 characters"):
        gates.respond_to_objection(objection=vote, actor=practitioner, body=HUGE, outcome="done")
    assert not SignOff.objects.exists() and not ObjectionResponse.objects.exists()


def test_contribution_services_refuse_over_long_text(project, expert, practitioner):
    with pytest.raises(ProjectError, match="at most 5,000 characters"):
        contributions.add_contribution(project=project, author=expert, kind="idea", body=HUGE)
    idea = contributions.add_contribution(project=project, author=expert, kind="idea", body="Hi")
    with pytest.raises(ProjectError, match="at most 5,000 characters"):
        contributions.respond(contribution=idea, responder=practitioner, body=HUGE, outcome="done")
    assert not ContributionResponse.objects.exists()


def test_project_services_refuse_over_long_text_with_a_project_error(project, practitioner):
    with pytest.raises(ProjectError, match="at most 2,000 characters"):
        services.create_project(
            creator=practitioner, title="T", summary=HUGE, creator_role=Role.PRACTITIONER
        )
    with pytest.raises(ProjectError, match="at most 2,000 characters"):
        services.update_settings(project=project, actor=practitioner, changes={"summary": HUGE})
    project.refresh_from_db()
    assert len(project.summary) < 100


def test_an_invitation_with_an_over_long_message_is_refused(project, practitioner):
    with pytest.raises(InvitationError, match="at most 1,000 characters"):
        invitations.invite(
            project=project,
            role=Role.PRACTITIONER,
            inviter=practitioner,
            email="new@example.org",
            message="m" * 1_001,
        )
    assert not Invitation.objects.exists()
