"""Every form that creates or sends, pressed several times at once (a double tap, a retry on a
slow phone, two tabs), on PostgreSQL with a thread and connection per press: each press gets
the right page, and what was sent once is recorded and sent once."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.models import User
from participation.models import (
    Contribution,
    ContributionResponse,
    Expense,
    InboundText,
    Invitation,
    NotificationPreference,
    OutboxMessage,
    PaymentPolicy,
    TextOutcome,
)
from participation.services.invitations import invite
from participation.tokens import invitation_token
from projects.models import Event, EventKind, Membership, Project, Role, Stage
from tests.concurrency import postgresql_only, race
from tests.factories import PASSWORD
from tests.test_project_views import NEW_PROJECT

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def signed_in(person: User) -> Client:
    client = Client()
    client.force_login(person)
    return client


def post_at_once(clients: list[Client], url: str, data: dict[str, Any]) -> list[Any]:
    return race([partial(client.post, url, data) for client in clients])


def posts(client_for: Callable[[], Client], url: str, data: dict[str, Any], n: int) -> list[Any]:
    return post_at_once([client_for() for _ in range(n)], url, data)


def statuses(responses: list[Any]) -> list[Any]:
    return [r if isinstance(r, Exception) else r.status_code for r in responses]


def test_ten_simultaneous_join_presses_all_land_in_the_project(project, practitioner, user_factory):
    sent = invite(
        project=project, role=Role.EXPERT_BY_EXPERIENCE, inviter=practitioner, email="maya@ex.org"
    )
    maya = user_factory(email="maya@ex.org")

    url = reverse("participation:accept", args=[invitation_token(sent.invitation)])
    responses = posts(lambda: signed_in(maya), url, {}, 10)

    assert statuses(responses) == [302] * 10
    assert {r["Location"] for r in responses} == {project.get_absolute_url()}
    assert Membership.objects.filter(project=project, user=maya).count() == 1
    assert Event.objects.filter(kind=EventKind.MEMBER_JOINED, data__user=maya.pk).count() == 1


def test_two_people_starting_projects_with_one_title_at_once_both_get_their_project(
    user_factory,
):
    people = [user_factory(), user_factory()]
    clients = [signed_in(person) for person in people]
    responses = post_at_once(clients, reverse("projects:new"), NEW_PROJECT)

    assert statuses(responses) == [302, 302]
    projects = Project.objects.filter(title=NEW_PROJECT["title"])
    assert {p.created_by for p in projects} == set(people)
    assert {r["Location"] for r in responses} == {p.get_absolute_url() for p in projects}


def test_one_person_pressing_start_five_times_at_once_starts_one_project(outsider):
    responses = posts(lambda: signed_in(outsider), reverse("projects:new"), NEW_PROJECT, 5)

    project = Project.objects.get(title=NEW_PROJECT["title"])
    assert statuses(responses) == [302] * 5
    assert {r["Location"] for r in responses} == {project.get_absolute_url()}


def test_two_sign_ups_with_one_address_at_once_make_one_account_and_no_server_error():
    data = {
        "email": "nia@example.org",
        "display_name": "Nia",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    responses = posts(Client, reverse("account_signup"), data, 4)

    assert statuses(responses) == [302] * 4
    assert User.objects.filter(email="nia@example.org").count() == 1


def test_an_invitation_sent_five_times_at_once_is_sent_once(client: Client, project, expert):
    url = reverse("participation:invitations", args=[project.slug])
    data = {"email": "maya@example.org", "role": Role.EXPERT_BY_EXPERIENCE, "name": "Maya"}
    responses = posts(lambda: signed_in(expert), url, data, 5)

    assert statuses(responses) == [302] * 5
    invitation = Invitation.objects.get()
    assert invitation.send_count == 1
    assert OutboxMessage.objects.count() == 1


def test_a_bulk_list_sent_three_times_at_once_invites_each_person_once(project, expert):
    url = reverse("participation:bulk_invite", args=[project.slug])
    text = "name,email,role\nMaya,maya@example.org,expert\nSam,sam@example.org,practitioner\n"
    data = {"csv_text": text, "default_role": "", "message": "", "send": "1"}
    responses = posts(lambda: signed_in(expert), url, data, 3)

    assert statuses(responses) == [302] * 3
    assert Invitation.objects.count() == 2
    assert OutboxMessage.objects.count() == 2


def test_an_idea_sent_five_times_at_once_is_one_idea(project, expert2):
    url = reverse("contributions:list", kwargs={"slug": project.slug})
    responses = posts(lambda: signed_in(expert2), url, {"kind": "idea", "body": "Sundays."}, 5)

    assert statuses(responses) == [302] * 5
    assert Contribution.objects.count() == 1
    assert Event.objects.filter(kind=EventKind.CONTRIBUTION_ADDED).count() == 1


def test_a_response_sent_five_times_at_once_is_recorded_and_logged_once(
    project, practitioner, expert2
):
    idea = Contribution.objects.create(
        project=project, author=expert2, stage=Stage.DESIGN, body="Open on Sundays."
    )
    url = reverse("contributions:respond", kwargs={"slug": project.slug, "pk": idea.pk})
    responses = posts(
        lambda: signed_in(practitioner), url, {"outcome": "done", "body": "From May."}, 5
    )

    assert statuses(responses) == [302] * 5
    assert ContributionResponse.objects.count() == 1
    assert Event.objects.filter(kind=EventKind.RESPONSE_RECORDED).count() == 1
    assert OutboxMessage.objects.filter(kind="response_recorded", user=expert2).count() == 1


def test_leave_pressed_three_times_at_once_goes_to_the_dashboard_each_time(project, expert2):
    url = reverse("projects:leave", args=[project.slug])
    responses = posts(lambda: signed_in(expert2), url, {"confirm": "yes"}, 3)

    assert statuses(responses) == [302] * 3
    assert {r["Location"] for r in responses} == {reverse("dashboard")}
    assert Event.objects.filter(kind=EventKind.MEMBER_LEFT).count() == 1


def test_remove_pressed_three_times_at_once_removes_once(project, practitioner, practitioner2):
    theirs = Membership.objects.get(project=project, user=practitioner2)
    url = reverse("projects:member_remove", args=[project.slug, theirs.pk])
    responses = posts(lambda: signed_in(practitioner), url, {"confirm": "yes"}, 3)

    assert statuses(responses) == [302] * 3
    assert Event.objects.filter(kind=EventKind.MEMBER_REMOVED).count() == 1


def test_the_same_choices_sent_three_times_at_once_are_saved_once(expert2):
    url = reverse("participation:preferences")
    data = {"channel": "both", "phone": "07700 900123", "decisions": "on"}
    responses = posts(lambda: signed_in(expert2), url, data, 3)

    assert statuses(responses) == [302] * 3
    assert NotificationPreference.objects.get(user=expert2).channel == "both"


def test_the_join_button_pressed_four_times_at_once_makes_one_account_and_one_membership(
    project, practitioner
):
    invitation = invite(
        project=project, role=Role.EXPERT_BY_EXPERIENCE, inviter=practitioner, email="maya@x.org"
    ).invitation
    url = reverse("participation:join", args=[invitation_token(invitation)])
    responses = posts(Client, url, {"name": "Maya"}, 4)

    # One press joins; the others find the link used and go back to the invitation page.
    assert statuses(responses) == [302] * 4
    assert User.objects.filter(email="maya@x.org").count() == 1
    assert Membership.objects.filter(project=project, user__email="maya@x.org").count() == 1


def test_an_expense_claim_sent_five_times_at_once_is_one_claim(project, expert2):
    url = reverse("payments:expenses", args=[project.slug])
    data = {"spent_on": "2026-01-05", "category": "travel", "amount": "4.50"}
    responses = posts(lambda: signed_in(expert2), url, data, 5)

    assert statuses(responses) == [302] * 5
    assert Expense.objects.count() == 1


def test_a_payment_policy_sent_three_times_at_once_is_one_version(project, expert):
    url = reverse("payments:policy", args=[project.slug])
    data = {
        "starts_on": "2026-01-05",
        "hourly_rate": "25",
        "half_day_hours": "3",
        "full_day_hours": "6",
        "days_to_pay": "30",
        "methods": ["bank_transfer"],
    }
    responses = posts(lambda: signed_in(expert), url, data, 3)

    assert statuses(responses) == [302] * 3
    assert PaymentPolicy.objects.count() == 1


def test_two_co_leads_marking_one_text_as_dealt_with_at_once_mark_it_once(
    project, practitioner, expert, expert2
):
    text = InboundText.objects.create(
        provider="fake",
        message_id="race-1",
        sender="+447700900123",
        body="can someone ring me",
        user=expert2,
        outcome=TextOutcome.NOT_UNDERSTOOD,
    )
    text.projects.add(project)
    url = reverse("text_inbox:dealt_with", args=[project.slug, text.pk])
    responses = post_at_once([signed_in(practitioner), signed_in(expert)], url, {})

    assert statuses(responses) == [302, 302]
    text.refresh_from_db()
    assert text.dealt_with_at is not None
    assert text.dealt_with_by in (practitioner, expert)
