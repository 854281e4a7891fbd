"""The event log is evidence: once written, nobody can change or delete a row.

Neither through the ORM nor through the Django admin, even as a superuser.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from projects.models import (
    AppendOnlyError,
    Choice,
    Event,
    EventKind,
    Gate,
    GateStatus,
    Stage,
    Vote,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(project) -> Event:
    found = Event.objects.filter(project=project, kind=EventKind.PROJECT_CREATED).first()
    assert found is not None
    return found


def test_an_event_cannot_be_saved_again(event):
    event.summary = "Nothing happened."
    with pytest.raises(AppendOnlyError):
        event.save()
    event.refresh_from_db()
    assert event.summary != "Nothing happened."


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert Event.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_updated_in_bulk(event):
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(summary="Nothing happened.")
    with pytest.raises(AppendOnlyError):
        event.project.events.update(summary="Nothing happened.")


def test_events_cannot_be_deleted_in_bulk(event):
    with pytest.raises(AppendOnlyError):
        Event.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        event.project.events.all().delete()
    assert Event.objects.filter(pk=event.pk).exists()


# --- The admin ------------------------------------------------------------------------------


def test_the_admin_refuses_to_add_change_or_delete_events(superuser, event):
    event_admin = admin.site._registry[Event]
    request = RequestFactory().get("/")
    request.user = superuser
    assert not event_admin.has_add_permission(request)
    assert not event_admin.has_change_permission(request, event)
    assert not event_admin.has_delete_permission(request, event)
    assert event_admin.has_view_permission(request, event)


def test_staff_can_read_the_event_log_in_the_admin(admin_site: Client, event):
    assert admin_site.get(reverse("admin:projects_event_changelist")).status_code == 200
    page = admin_site.get(reverse("admin:projects_event_change", args=[event.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def test_a_change_posted_to_the_admin_is_refused(admin_site: Client, event):
    response = admin_site.post(
        reverse("admin:projects_event_change", args=[event.pk]),
        {"summary": "Nothing happened.", "kind": event.kind, "stage": event.stage},
    )
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.summary != "Nothing happened."


def test_a_delete_posted_to_the_admin_is_refused(admin_site: Client, event):
    response = admin_site.post(
        reverse("admin:projects_event_delete", args=[event.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_the_admin_offers_no_bulk_delete_of_events(admin_site: Client, event):
    response = admin_site.post(
        reverse("admin:projects_event_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert Event.objects.filter(pk=event.pk).exists()


def test_project_settings_changed_in_the_admin_are_logged(admin_site: Client, project, superuser):
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = {
        "title": project.title,
        "summary": project.summary,
        "decision_rule": project.decision_rule,
        "quorum": "0.70",
        "min_votes_per_bloc": project.min_votes_per_bloc,
        "voting_window_hours": project.voting_window_hours,
    }
    response = admin_site.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = project.events.first()
    assert latest is not None
    assert (latest.kind, latest.actor) == (EventKind.SETTINGS_CHANGED, superuser)


@pytest.mark.parametrize(
    "model",
    ["project", "membership", "gate", "signoff", "objectionresponse", "event", "projectrolegroup"],
)
def test_every_projects_model_is_in_the_admin(admin_site: Client, project, model):
    assert admin_site.get(reverse(f"admin:projects_{model}_changelist")).status_code == 200


def test_the_admin_hides_votes_while_open_and_shows_them_read_only_after_close(
    admin_site: Client, project, expert
):
    now = timezone.now()
    gate = Gate.objects.create(
        project=project,
        from_stage=Stage.DESIGN,
        to_stage=Stage.DELIVERY,
        proposal="Move on.",
        what_changes="Things.",
        status=GateStatus.OPEN,
        opened_at=now,
        closes_at=now + timedelta(hours=72),
    )
    Vote.objects.create(gate=gate, voter=expert, choice=Choice.OBJECT, reason="Too soon.")
    change_url = reverse("admin:projects_gate_change", args=[gate.pk])

    page = admin_site.get(change_url)
    assert page.status_code == 200
    assert "Too soon." not in page.content.decode()

    Gate.objects.filter(pk=gate.pk).update(status=GateStatus.CLOSED, closed_at=now)
    html = admin_site.get(change_url).content.decode()
    assert "Too soon." in html
    assert 'name="_save"' not in html


def test_a_project_change_page_offers_object_permissions(admin_site: Client, project):
    page = admin_site.get(reverse("admin:projects_project_change", args=[project.pk]))
    assert page.status_code == 200
    assert reverse("admin:projects_project_permissions", args=[project.pk]) in page.content.decode()
