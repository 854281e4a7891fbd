"""The dashboard and the project pages: what they show, and query budgets that do not grow.

Each budget is checked at a small and a large size with the same number: a page whose query
count grows with the data (an N+1) fails at the large size.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects import gate_closing, services
from projects.models import Choice, Gate, GateStatus, Project, Role, Stage, Vote

pytestmark = pytest.mark.django_db

DASHBOARD_BUDGET = 5  # session, user, memberships, votes waiting, sign-offs waiting
DETAIL_BUDGET = 7  # session, user, membership, 2 x guardian perms, gates, members
MEMBERS_BUDGET = 7  # session, user, membership, 2 x guardian perms, members
HISTORY_BUDGET = 7  # session, user, membership, 2 x guardian perms, count, one page


def open_gate(project: Project, **fields) -> Gate:
    """An open gate made directly, with the electorate the gate services would fix."""
    now = timezone.now()
    fields.setdefault("electorate", gate_closing.electorate_now(project.pk))
    return Gate.objects.create(
        project=project,
        from_stage=project.stage,
        to_stage=Stage.DELIVERY,
        proposal="Move on to delivery with the design we agreed.",
        what_changes="The service opens to its first ten tenants.",
        status=GateStatus.OPEN,
        opened_at=now,
        closes_at=now + timedelta(hours=72),
        **fields,
    )


def closed_gate(project: Project, *, passed: bool, signoff_required: bool = False) -> Gate:
    gate = open_gate(project, signoff_required=signoff_required)
    Gate.objects.filter(pk=gate.pk).update(
        status=GateStatus.CLOSED, closed_at=timezone.now(), passed=passed
    )
    gate.refresh_from_db()
    return gate


def gate_link(gate: Gate) -> str:
    return reverse("projects:gate", kwargs={"slug": gate.project.slug, "pk": gate.pk})


# --- What the dashboard shows ---------------------------------------------------------------


def test_dashboard_lists_each_project_with_my_role_and_its_stage(client: Client, project, expert2):
    client.force_login(expert2)
    html = client.get(reverse("dashboard")).content.decode()
    assert project.title in html
    assert project.get_absolute_url() in html
    assert "Expert by experience" in html
    assert "Design" in html
    assert reverse("projects:new") in html


def test_dashboard_explains_what_to_do_when_i_am_in_no_project(client: Client, outsider):
    client.force_login(outsider)
    html = client.get(reverse("dashboard")).content.decode()
    assert "You are not part of any project yet" in html
    assert "Start a project" in html


def test_dashboard_leaves_out_projects_i_have_left(client: Client, project, expert2):
    services.leave_project(membership=expert2.memberships.get(project=project))
    client.force_login(expert2)
    html = client.get(reverse("dashboard")).content.decode()
    assert project.title not in html


def test_dashboard_shows_a_vote_waiting_for_me_with_its_deadline(client: Client, project, expert2):
    gate = open_gate(project)
    client.force_login(expert2)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Vote: move to Delivery?" in html
    assert f'datetime="{timezone.localtime(gate.closes_at).isoformat()}"' in html
    assert f'href="{gate_link(gate)}"' in html


def test_dashboard_hides_the_vote_once_i_have_voted(client: Client, project, expert2):
    gate = open_gate(project)
    Vote.objects.create(gate=gate, voter=expert2, choice=Choice.APPROVE)
    client.force_login(expert2)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Vote: move to Delivery?" not in html
    assert "Nothing needs you right now" in html


def test_dashboard_does_not_ask_someone_who_joined_after_voting_opened_to_vote(
    client: Client, project, join
):
    open_gate(project)
    newcomer = join(project, Role.EXPERT_BY_EXPERIENCE)
    client.force_login(newcomer)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Vote: move to Delivery?" not in html
    assert "Nothing needs you right now" in html


def test_dashboard_never_asks_a_commissioner_to_vote(client: Client, project, commissioner):
    open_gate(project)
    client.force_login(commissioner)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Vote: move to Delivery?" not in html


def test_dashboard_asks_a_commissioner_to_sign_off_a_passed_gate(
    client: Client, project, commissioner, expert2
):
    closed_gate(project, passed=True, signoff_required=True)
    client.force_login(commissioner)
    assert "Sign off: move to Delivery" in client.get(reverse("dashboard")).content.decode()
    client.force_login(expert2)
    assert "Sign off" not in client.get(reverse("dashboard")).content.decode()


# --- Query budgets --------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 15])
def test_dashboard_runs_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries, user_factory, project_factory, size
):
    me = user_factory(display_name="Mo")
    lead = user_factory(display_name="Lee")
    for n in range(size):
        # Alternate roles so both the "vote" and the "sign off" lists have something in them.
        role = Role.PRACTITIONER if n % 2 else Role.COMMISSIONER
        p = project_factory(created_by=lead)
        services.add_member(project=p, user=me, role=role, actor=lead)
        if role == Role.COMMISSIONER:
            closed_gate(p, passed=True, signoff_required=True)
        else:
            open_gate(p)
    client.force_login(me)
    with django_assert_max_num_queries(DASHBOARD_BUDGET):
        response = client.get(reverse("dashboard"))
    assert response.content.decode().count('class="card"') == size


def _project_with(size: int, join, project_factory, *, gates: int = 0):
    project = project_factory(title="Budget")
    lead = project.created_by
    for n in range(size - 1):
        join(project, Role.EXPERT_BY_EXPERIENCE if n % 2 else Role.PRACTITIONER)
    for _ in range(gates):
        closed_gate(project, passed=False)
    return project, lead


@pytest.mark.parametrize("size", [3, 30])
def test_project_page_runs_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries, join, project_factory, size
):
    project, lead = _project_with(size, join, project_factory, gates=size // 3)
    client.force_login(lead)
    with django_assert_max_num_queries(DETAIL_BUDGET):
        response = client.get(reverse("projects:detail", args=[project.slug]))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_members_page_runs_a_fixed_number_of_queries_even_with_a_form_per_member(
    client: Client, django_assert_max_num_queries, join, project_factory, size
):
    project, lead = _project_with(size, join, project_factory)
    client.force_login(lead)
    with django_assert_max_num_queries(MEMBERS_BUDGET):
        response = client.get(reverse("projects:members", args=[project.slug]))
    assert response.content.decode().count("Change role") == size


@pytest.mark.parametrize("size", [3, 60])
def test_history_page_runs_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries, join, project_factory, size
):
    # Every join writes an event, so 60 members means more than one page of history.
    project, lead = _project_with(size, join, project_factory)
    client.force_login(lead)
    with django_assert_max_num_queries(HISTORY_BUDGET):
        response = client.get(reverse("projects:history", args=[project.slug]))
    assert response.status_code == 200
