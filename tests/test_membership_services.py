"""Membership changes keep guardian's groups, and so everyone's permissions, in step.

Guardian caches permissions on the user object, so every check re-reads the user first.
"""

from __future__ import annotations

import pytest
from django.http import Http404
from guardian.core import ObjectPermissionChecker

from coproduce.models import User
from projects import services
from projects.models import EventKind, Membership, Project, Role
from projects.permissions import access_project

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def perms(user: User, project: Project) -> set[str]:
    return set(ObjectPermissionChecker(fresh(user)).get_perms(project))


def group_keys(user: User, project: Project) -> set[str]:
    prefix = f"project-{project.pk}-"
    names = fresh(user).groups.filter(name__startswith=prefix).values_list("name", flat=True)
    return {name.removeprefix(prefix) for name in names}


def membership(project: Project, user: User) -> Membership:
    return Membership.objects.get(project=project, user=user)


def test_changing_role_moves_the_member_to_the_new_roles_group(project, practitioner, expert2):
    assert group_keys(expert2, project) == {"expert_by_experience"}
    assert "record_activities" not in perms(expert2, project)

    services.change_role(
        membership=membership(project, expert2), role=Role.PRACTITIONER, actor=practitioner
    )

    assert group_keys(expert2, project) == {"practitioner"}
    assert "record_activities" in perms(expert2, project)


def test_a_commissioner_made_from_a_voter_can_no_longer_vote(project, practitioner, expert2):
    services.change_role(
        membership=membership(project, expert2), role=Role.COMMISSIONER, actor=practitioner
    )
    assert "vote" not in perms(expert2, project)
    assert "sign_off" in perms(expert2, project)


def test_co_lead_status_adds_and_removes_the_co_lead_group(project, practitioner, expert2):
    services.set_co_lead(
        membership=membership(project, expert2), is_co_lead=True, actor=practitioner
    )
    assert group_keys(expert2, project) == {"expert_by_experience", "co_lead"}
    assert "manage_members" in perms(expert2, project)

    services.set_co_lead(
        membership=membership(project, expert2), is_co_lead=False, actor=practitioner
    )
    assert group_keys(expert2, project) == {"expert_by_experience"}
    assert "manage_members" not in perms(expert2, project)


@pytest.fixture
def sole_co_lead(project, practitioner, expert):
    services.set_co_lead(membership=membership(project, expert), is_co_lead=False, actor=expert)
    return practitioner


def test_the_last_co_lead_cannot_step_down(project, sole_co_lead):
    with pytest.raises(services.ProjectError, match="only co-lead"):
        services.set_co_lead(
            membership=membership(project, sole_co_lead), is_co_lead=False, actor=sole_co_lead
        )
    assert membership(project, sole_co_lead).is_co_lead


def test_the_last_co_lead_cannot_be_removed(project, sole_co_lead, expert):
    with pytest.raises(services.ProjectError, match="only co-lead"):
        services.remove_member(membership=membership(project, sole_co_lead), actor=expert)
    assert membership(project, sole_co_lead).is_active


def test_the_last_co_lead_cannot_leave(project, sole_co_lead):
    with pytest.raises(services.ProjectError, match="only co-lead"):
        services.leave_project(membership=membership(project, sole_co_lead))
    assert "manage_members" in perms(sole_co_lead, project)


def test_a_co_lead_can_leave_while_another_co_lead_stays(project, expert, practitioner):
    services.leave_project(membership=membership(project, expert))
    assert membership(project, practitioner).is_co_lead


def test_leaving_takes_away_every_permission_and_the_project_disappears(project, expert2):
    services.leave_project(membership=membership(project, expert2))

    assert group_keys(expert2, project) == set()
    assert perms(expert2, project) == set()
    with pytest.raises(Http404):
        access_project(fresh(expert2), project.slug)


def test_someone_who_left_can_join_again_in_a_new_role(project, practitioner, expert2):
    services.leave_project(membership=membership(project, expert2))
    services.add_member(project=project, user=expert2, role=Role.PRACTITIONER, actor=practitioner)

    again = membership(project, expert2)
    assert again.is_active
    assert again.role == Role.PRACTITIONER
    assert group_keys(expert2, project) == {"practitioner"}
    assert access_project(fresh(expert2), project.slug).can("vote")


def test_a_current_member_cannot_be_added_twice(project, practitioner, expert2):
    with pytest.raises(services.ProjectError, match="already a member"):
        services.add_member(
            project=project, user=expert2, role=Role.PRACTITIONER, actor=practitioner
        )


def test_every_membership_change_is_in_the_event_log_with_who_did_it(
    project, practitioner, expert2, practitioner2, commissioner
):
    before = project.events.count()
    services.change_role(
        membership=membership(project, expert2), role=Role.PRACTITIONER, actor=practitioner
    )
    services.set_co_lead(
        membership=membership(project, expert2), is_co_lead=True, actor=practitioner
    )
    services.set_co_lead(
        membership=membership(project, expert2), is_co_lead=False, actor=practitioner
    )
    services.remove_member(membership=membership(project, practitioner2), actor=practitioner)
    services.leave_project(membership=membership(project, commissioner))
    services.add_member(
        project=project, user=commissioner, role=Role.COMMISSIONER, actor=practitioner
    )

    events = list(project.events.order_by("at", "pk"))[before:]
    assert [(e.kind, e.actor) for e in events] == [
        (EventKind.ROLE_CHANGED, practitioner),
        (EventKind.CO_LEAD_ADDED, practitioner),
        (EventKind.CO_LEAD_REMOVED, practitioner),
        (EventKind.MEMBER_REMOVED, practitioner),
        (EventKind.MEMBER_LEFT, commissioner),
        (EventKind.MEMBER_JOINED, practitioner),
    ]
    assert all(e.stage == project.stage for e in events)


def test_a_project_called_new_gets_a_web_address_the_create_page_does_not_hide(practitioner):
    project = services.create_project(
        creator=practitioner, title="New", summary="s", creator_role=Role.PRACTITIONER
    )
    assert project.slug == "new-2"


def test_a_site_superuser_who_joins_as_commissioner_still_cannot_vote(project, user_factory):
    boss = user_factory(is_staff=True, is_superuser=True)
    services.add_member(project=project, user=boss, role=Role.COMMISSIONER, actor=None)
    access = access_project(boss, project.slug)
    assert not access.can("vote")
    assert not access.can("manage_members")


def test_commissioners_cannot_be_co_leads(project, practitioner, commissioner, user_factory):
    member = project.memberships.get(user=commissioner)
    with pytest.raises(services.ProjectError, match="Commissioners cannot be co-leads"):
        services.set_co_lead(membership=member, is_co_lead=True, actor=practitioner)
    with pytest.raises(services.ProjectError, match="Commissioners cannot be co-leads"):
        services.create_project(
            creator=user_factory(), title="T", summary="s", creator_role=Role.COMMISSIONER
        )
    lead = project.memberships.get(user=practitioner)
    with pytest.raises(services.ProjectError, match="Commissioners cannot be co-leads"):
        services.change_role(membership=lead, role=Role.COMMISSIONER, actor=practitioner)


def test_a_closed_project_refuses_every_change(project, practitioner, expert2, user_factory):
    Project.objects.filter(pk=project.pk).update(stage="closed")
    project.refresh_from_db()
    member = project.memberships.get(user=expert2)
    refused = [
        lambda: services.add_member(
            project=project, user=user_factory(), role=Role.PRACTITIONER, actor=practitioner
        ),
        lambda: services.change_role(membership=member, role=Role.PRACTITIONER, actor=practitioner),
        lambda: services.remove_member(membership=member, actor=practitioner),
        lambda: services.leave_project(membership=member),
        lambda: services.update_settings(
            project=project, actor=practitioner, changes={"title": "X"}
        ),
    ]
    for change in refused:
        with pytest.raises(services.ProjectError, match="This project is closed"):
            change()
    assert project.memberships.get(user=expert2).role == Role.EXPERT_BY_EXPERIENCE
