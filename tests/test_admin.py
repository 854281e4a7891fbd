"""The Django admin: every model is there, and none of it can go round the services.

Staff may read everything, but a vote's direction stays hidden until voting closes, a closed
project cannot be changed, project role groups are left to the membership services, and an
account with a project record is deactivated rather than deleted.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from coproduce.models import User
from projects import services
from projects.models import (
    Choice,
    Event,
    EventKind,
    Membership,
    Project,
    ProjectRoleGroup,
    ProjectUserObjectPermission,
    Stage,
)
from projects.services import gates
from tests.gate_helpers import open_gate

pytestmark = pytest.mark.django_db

OUR_APPS = ("coproduce", "projects", "participation", "evaluation")


def our_models() -> list[str]:
    return [
        model._meta.label for label in OUR_APPS for model in apps.get_app_config(label).get_models()
    ]


def edit_in_admin(client: Client, person: User, **changes: str):
    data = {
        "email": person.email,
        "display_name": person.display_name,
        "phone": person.phone,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": person.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": person.date_joined.strftime("%H:%M:%S"),
        **changes,
    }
    return client.post(reverse("admin:coproduce_user_change", args=[person.pk]), data)


def test_every_model_of_ours_has_an_admin_page_that_opens(admin_site: Client, project):
    for label in our_models():
        model = apps.get_model(label)
        assert model in admin.site._registry, f"{label} is not in the admin"
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_site.get(url).status_code == 200, label


def test_the_vote_admin_hides_how_people_voted_until_voting_closes(
    admin_site: Client, project, practitioner, practitioner2, expert, expert2
):
    gate = open_gate(project, practitioner, expert)
    gates.cast_vote(gate=gate, voter=expert, choice=Choice.OBJECT, reason="Evenings only")
    listing = admin_site.get(reverse("admin:projects_vote_changelist")).content.decode()
    vote = gate.votes.get()
    page = admin_site.get(reverse("admin:projects_vote_change", args=[vote.pk])).content.decode()
    for html in (listing, page):
        assert "Hidden until voting closes" in html
        assert ">Object<" not in html
        assert "Evenings only" not in html

    for voter in (expert2, practitioner, practitioner2):
        gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    page = admin_site.get(reverse("admin:projects_vote_change", args=[vote.pk])).content.decode()
    assert "Evenings only" in page
    assert "Hidden until voting closes" not in page


def test_deleting_someone_with_a_project_record_is_refused(admin_site: Client, project, expert2):
    events_before = Event.objects.count()
    url = reverse("admin:coproduce_user_delete", args=[expert2.pk])
    page = admin_site.get(url).content.decode()
    assert "Cannot delete user" in page
    admin_site.post(url, {"post": "yes"})
    assert type(expert2).objects.filter(pk=expert2.pk).exists()
    assert Membership.objects.filter(user=expert2, project=project).exists()
    assert Event.objects.count() == events_before


def test_someone_with_no_project_record_can_still_be_deleted(admin_site: Client, outsider):
    url = reverse("admin:coproduce_user_delete", args=[outsider.pk])
    assert admin_site.post(url, {"post": "yes"}).status_code == 302
    assert not type(outsider).objects.filter(pk=outsider.pk).exists()


def test_a_closed_project_can_be_read_but_not_changed_in_the_admin(admin_site: Client, project):
    Project.objects.filter(pk=project.pk).update(stage=Stage.CLOSED)
    url = reverse("admin:projects_project_change", args=[project.pk])
    page = admin_site.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = admin_site.post(url, {"title": "Renamed", "summary": project.summary})
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.title != "Renamed"


def test_project_role_groups_are_not_offered_in_the_group_admin(admin_site: Client, project):
    Group.objects.create(name="Support desk")
    html = admin_site.get(reverse("admin:auth_group_changelist")).content.decode()
    assert "Support desk" in html
    for role_group in ProjectRoleGroup.objects.filter(project=project).select_related("group"):
        assert role_group.group.name not in html
        url = reverse("admin:auth_group_change", args=[role_group.group.pk])
        assert admin_site.get(url).status_code == 302  # "does not exist" back to the list


def test_saving_a_person_in_the_admin_keeps_their_project_role_groups(
    admin_site: Client, project, expert2
):
    groups_before = set(expert2.groups.values_list("pk", flat=True))
    assert groups_before
    page = admin_site.get(reverse("admin:coproduce_user_change", args=[expert2.pk]))
    assert 'name="groups"' not in page.content.decode()
    response = edit_in_admin(admin_site, expert2, display_name="Eli B")
    assert response.status_code == 302, response.content.decode()[:3000]
    expert2.refresh_from_db()
    assert expert2.display_name == "Eli B"
    assert set(expert2.groups.values_list("pk", flat=True)) == groups_before


def test_the_admin_stores_a_phone_number_and_email_in_one_form(admin_site: Client, expert):
    response = edit_in_admin(
        admin_site, expert, email="  Sam.Expert@Example.ORG ", phone="07700 900123"
    )
    assert response.status_code == 302, response.content.decode()
    expert.refresh_from_db()
    assert expert.phone == "+447700900123"
    assert expert.email == "sam.expert@example.org"


def test_the_admin_refuses_a_number_that_cannot_take_texts_and_changes_nothing(
    admin_site: Client, expert
):
    before = expert.phone
    response = edit_in_admin(admin_site, expert, phone="12")
    assert response.status_code == 200
    assert "is not a phone number we can text" in response.content.decode()
    expert.refresh_from_db()
    assert expert.phone == before


def test_the_vote_admin_refuses_filters_on_how_people_voted(
    admin_site: Client, project, practitioner, expert
):
    gate = open_gate(project, practitioner, expert)
    gates.cast_vote(gate=gate, voter=expert, choice=Choice.OBJECT, reason="Evenings only")
    listing = reverse("admin:projects_vote_changelist")
    for query in ("?choice=object", "?choice__exact=object", "?reason__icontains=evening"):
        response = admin_site.get(listing + query)
        assert response.status_code == 400, query
        assert expert.display_name not in response.content.decode()


def test_project_permissions_can_be_seen_but_not_granted_in_the_admin(
    admin_site: Client, project, outsider
):
    overview = reverse("admin:projects_project_permissions", args=[project.pk])
    assert admin_site.get(overview).status_code == 200
    manage = reverse(
        "admin:projects_project_permissions_manage_user", args=[project.pk, outsider.pk]
    )
    response = admin_site.post(manage, {"permissions": ["view_project", "sign_off"]}, follow=True)
    assert response.redirect_chain[-1][0] == overview
    assert "follow each member&#x27;s role" in response.content.decode()
    assert not ProjectUserObjectPermission.objects.exists()
    assert not outsider.has_perm("projects.view_project", project)


def test_staff_can_name_a_new_co_lead_when_the_co_leads_accounts_are_switched_off(
    admin_site: Client, project, practitioner, expert, expert2
):
    for co_lead in (practitioner, expert):
        co_lead.is_active = False
        co_lead.save()
    membership = project.memberships.get(user=expert2)

    response = admin_site.post(
        reverse("admin:projects_membership_changelist"),
        {"action": "make_co_lead", "_selected_action": [membership.pk]},
        follow=True,
    )

    assert "Eli is now a co-lead of Housing First in Lambeth." in response.content.decode()
    assert project.memberships.get(user=expert2).is_co_lead
    assert Event.objects.filter(project=project, kind=EventKind.CO_LEAD_ADDED).exists()


def test_a_co_lead_whose_account_is_switched_off_does_not_keep_the_project_led(
    project, practitioner, expert
):
    expert.is_active = False
    expert.save()
    with pytest.raises(services.ProjectError, match="only co-lead"):
        services.set_co_lead(
            membership=project.memberships.get(user=practitioner),
            is_co_lead=False,
            actor=practitioner,
        )
