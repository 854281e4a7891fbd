"""Every role, with and without co-lead, against every permission in every stage.

The expected table is written out here by hand, independently of projects.permissions, and
checked through the real guardian grants that the services make.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from coproduce.models import User
from projects import permissions, services
from projects.models import Project, Role, Stage
from projects.permissions import access_project

pytestmark = pytest.mark.django_db

EVERY_PERMISSION = {
    "view_project",
    "change_project",
    "manage_members",
    "manage_gates",
    "vote",
    "sign_off",
    "record_activities",
    "contribute",
    "view_access_needs",
    "view_evaluation",
    "manage_payments",
    "claim_expenses",
    "answer_surveys",
    "write_evaluation",
    "help_members",
}

# What each role may do while the project is open (any stage but closed). Co-leads come from
# the voting groups only: a commissioner signs off what co-leads propose.
WHILE_OPEN: dict[tuple[str, bool], set[str]] = {
    ("expert_by_experience", False): {
        "view_project",
        "contribute",
        "view_evaluation",
        "vote",
        "claim_expenses",
        "answer_surveys",
        "write_evaluation",
    },
    ("practitioner", False): {
        "view_project",
        "contribute",
        "view_evaluation",
        "vote",
        "record_activities",
        "claim_expenses",
        "answer_surveys",
        "write_evaluation",
        "help_members",
    },
    ("commissioner", False): {"view_project", "contribute", "view_evaluation", "sign_off"},
    ("expert_by_experience", True): {
        "view_project",
        "contribute",
        "view_evaluation",
        "vote",
        "change_project",
        "manage_members",
        "manage_gates",
        "record_activities",
        "view_access_needs",
        "claim_expenses",
        "manage_payments",
        "answer_surveys",
        "write_evaluation",
        "help_members",
    },
    ("practitioner", True): {
        "view_project",
        "contribute",
        "view_evaluation",
        "vote",
        "change_project",
        "manage_members",
        "manage_gates",
        "record_activities",
        "view_access_needs",
        "claim_expenses",
        "manage_payments",
        "answer_surveys",
        "write_evaluation",
        "help_members",
    },
}

# A closed project is a read-only record, except for money still owed and the impact survey
# asked at the close.
AFTER_CLOSING = {
    "view_project",
    "view_evaluation",
    "view_access_needs",
    "manage_payments",
    "claim_expenses",
    "answer_surveys",
}


def expected(role: str, co_lead: bool, stage: str) -> set[str]:
    allowed = WHILE_OPEN[(role, co_lead)]
    return allowed & AFTER_CLOSING if stage == Stage.CLOSED else allowed


def test_the_table_here_covers_every_permission_the_platform_declares():
    assert permissions.ALL_PERMISSIONS == EVERY_PERMISSION


@pytest.fixture
def lead(user_factory):
    return user_factory(display_name="Lee")


@pytest.fixture
def started(lead) -> Project:
    return services.create_project(
        creator=lead, title="Table", summary="s", creator_role=Role.PRACTITIONER
    )


@pytest.mark.parametrize("stage", list(Stage))
@pytest.mark.parametrize(
    ("role", "co_lead"),
    list(WHILE_OPEN),
    ids=[f"{r}-{'co-lead' if c else 'member'}" for r, c in WHILE_OPEN],
)
def test_each_role_has_exactly_the_permissions_of_the_table_in_each_stage(
    user_factory, lead, started, role, co_lead, stage
):
    person = user_factory()
    services.add_member(project=started, user=person, role=role, actor=lead, is_co_lead=co_lead)
    Project.objects.filter(pk=started.pk).update(stage=stage)

    access = access_project(User.objects.get(pk=person.pk), started.slug)

    for perm in sorted(EVERY_PERMISSION):
        assert access.can(perm) == (perm in expected(role, co_lead, stage)), perm


@pytest.mark.parametrize("stage", list(Stage))
def test_access_project_refuses_a_member_without_the_permission(user_factory, lead, started, stage):
    person = user_factory()
    services.add_member(project=started, user=person, role=Role.EXPERT_BY_EXPERIENCE, actor=lead)
    Project.objects.filter(pk=started.pk).update(stage=stage)
    with pytest.raises(PermissionDenied):
        access_project(person, started.slug, permissions.MANAGE_MEMBERS)


def test_a_co_lead_may_not_change_a_closed_project(lead, started):
    Project.objects.filter(pk=started.pk).update(stage=Stage.CLOSED)
    with pytest.raises(PermissionDenied):
        access_project(lead, started.slug, permissions.CHANGE_PROJECT)
    assert access_project(lead, started.slug, permissions.VIEW_ACCESS_NEEDS)


@pytest.mark.parametrize("slug", ["table", "no-such-project"], ids=["existing", "missing"])
def test_an_outsider_gets_not_found_whether_or_not_the_project_exists(started, outsider, slug):
    assert started.slug == "table"
    with pytest.raises(Http404):
        access_project(outsider, slug)


def test_a_member_who_left_gets_not_found(lead, started, user_factory):
    person = user_factory()
    membership = services.add_member(
        project=started, user=person, role=Role.PRACTITIONER, actor=lead
    )
    services.leave_project(membership=membership)
    with pytest.raises(Http404):
        access_project(User.objects.get(pk=person.pk), started.slug)


def test_every_permission_a_member_can_lack_says_who_may_use_it():
    """A refused member reads who may do it (templates/403.html), not a generic sentence."""
    from projects.permissions import ALL_PERMISSIONS, EVERY_MEMBER, WHO_MAY

    assert set(ALL_PERMISSIONS - EVERY_MEMBER) <= set(WHO_MAY)


def test_a_refusal_in_a_closed_project_says_the_project_is_closed(client, project, practitioner):
    from django.urls import reverse

    from projects.models import Stage

    project.stage = Stage.CLOSED
    project.save(update_fields=["stage"])
    client.force_login(practitioner)  # a co-lead, who could change settings before
    response = client.get(reverse("projects:settings", args=[project.slug]))
    assert response.status_code == 403
    assert "This project is closed" in response.content.decode()


@pytest.mark.django_db
def test_the_door_reads_the_membership_and_the_groups_grants_in_two_queries(
    lead, started, django_assert_num_queries
):
    # Permissions are only granted to the project's role groups, never to a person, so the
    # per-person table (which could never hold anything) is not read on every page.
    with django_assert_num_queries(2):
        access = access_project(lead, started.slug, permissions.MANAGE_MEMBERS)
    assert access.can(permissions.MANAGE_MEMBERS)
