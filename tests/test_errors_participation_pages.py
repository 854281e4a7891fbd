"""Invitations, preferences, ideas and comments: a form with mistakes or a refused button
comes back with the error summary at the top, plain words, what was typed kept, nothing saved."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from participation.models import (
    Contribution,
    ContributionResponse,
    Invitation,
    NotificationPreference,
)
from participation.services.invitations import invite
from tests.error_pattern import assert_error_page, summary_of

pytestmark = pytest.mark.django_db


def test_an_invitation_without_a_role_asks_for_it_and_keeps_the_message(client, project, expert):
    client.force_login(expert)
    response = client.post(
        reverse("participation:invitations", args=[project.slug]),
        {"email": "sam@example.org", "message": "Hope you can join us."},
    )
    html = assert_error_page(response, field_id="id_role_0", kept="Hope you can join us.")
    assert "Choose the role they will have." in summary_of(html)
    assert 'value="sam@example.org"' in html
    assert not Invitation.objects.exists()


def test_sending_again_an_accepted_invitation_is_refused_in_the_summary(
    client, project, expert, practitioner2
):
    sent = invite(project=project, role="practitioner", inviter=expert, email="new@example.org")
    Invitation.objects.filter(pk=sent.invitation.pk).update(
        accepted_at=timezone.now(), accepted_by=practitioner2
    )
    client.force_login(expert)
    response = client.post(
        reverse("participation:invitation_resend", args=[project.slug, sent.invitation.pk])
    )
    html = assert_error_page(response)
    assert "already been accepted" in summary_of(html)
    assert Invitation.objects.get().send_count == 1


def test_an_empty_list_to_invite_asks_for_a_list(client, project, expert):
    client.force_login(expert)
    response = client.post(
        reverse("participation:bulk_invite", args=[project.slug]),
        {"csv_text": "", "message": "Welcome, all."},
    )
    html = assert_error_page(response, field_id="id_csv_text", kept="Welcome, all.")
    assert "Paste the list, or choose a CSV file to upload." in summary_of(html)
    assert not Invitation.objects.exists()


def test_preferences_without_a_channel_ask_how_to_reach_me(client, expert2):
    client.force_login(expert2)
    response = client.post(
        reverse("participation:preferences"), {"phone": "07700 900123", "decisions": "on"}
    )
    html = assert_error_page(response, field_id="id_channel_0", kept="07700 900123")
    assert "Choose how we reach you" in summary_of(html)
    assert not NotificationPreference.objects.exists()


def test_an_empty_idea_asks_for_words_and_keeps_the_kind(client, project, expert2):
    client.force_login(expert2)
    response = client.post(
        reverse("contributions:list", args=[project.slug]), {"kind": "comment", "body": ""}
    )
    html = assert_error_page(response, field_id="id_body")
    assert "Write what you want to say." in summary_of(html)
    assert 'value="comment" required id="id_kind_1" checked' in html
    assert not Contribution.objects.exists()


def test_an_empty_response_to_an_idea_leads_to_that_ideas_box(client, project, expert, expert2):
    idea = Contribution.objects.create(
        project=project, author=expert2, stage=project.stage, body="Evening hours."
    )
    client.force_login(expert)
    response = client.post(
        reverse("contributions:respond", args=[project.slug, idea.pk]),
        {"outcome": "not_done", "body": "  "},
    )
    html = assert_error_page(response, field_id=f"respond-{idea.pk}-body")
    assert "Write what you did, or why not." in summary_of(html)
    assert not ContributionResponse.objects.exists()
