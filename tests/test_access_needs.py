"""Access needs: private to the member and their projects' co-leads, stored only with consent.

In the `project` fixture the co-leads are practitioner and expert; expert2 is an ordinary
member, commissioner a commissioner, outsider in no project.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from participation.models import AccessNeeds, Consent, Purpose
from participation.services.access import AccessNeedsError, save_access_needs
from participation.services.consent import decide
from projects.models import Membership
from projects.services import remove_member
from tests.error_pattern import assert_error_page, summary_of

pytestmark = pytest.mark.django_db

MINE = reverse("access:mine")
SECRET = "I get anxious in big rooms"


def summary_url(project: Any) -> str:
    return reverse("access:summary", kwargs={"slug": project.slug})


def needs_of(user: Any, **fields: Any) -> AccessNeeds:
    defaults = {"large_print": True, "anything_else": SECRET, "interpreter_language": "Polish"}
    return save_access_needs(user=user, consent_given=True, **{**defaults, **fields})


def form_data(**fields: str) -> dict[str, str]:
    return {"share_story": "ask", "timing": "Mornings only", **fields}


def test_a_member_stores_access_needs_once_they_tick_consent(client: Client, expert2):
    client.force_login(expert2)
    response = client.post(MINE, form_data(consent="on", easy_read="on", anything_else=SECRET))
    assert response.status_code == 302
    needs = AccessNeeds.objects.get(user=expert2)
    assert needs.easy_read and needs.timing == "Mornings only"
    assert Consent.objects.filter(user=expert2, purpose=Purpose.ACCESS_NEEDS, given=True).exists()
    page = client.get(MINE).content.decode()
    assert SECRET in page and "Mornings only" in page


def test_without_consent_nothing_is_stored_and_the_page_says_what_to_do(client, expert2):
    client.force_login(expert2)
    response = client.post(MINE, form_data(easy_read="on", anything_else=SECRET))
    html = assert_error_page(response, field_id="id_consent", kept=SECRET)
    assert "Tick the box to let us keep your access needs" in summary_of(html)
    assert not AccessNeeds.objects.exists()
    assert not Consent.objects.exists()


def test_the_service_refuses_to_store_needs_without_consent(expert2):
    with pytest.raises(AccessNeedsError):
        save_access_needs(user=expert2, large_print=True)
    assert not AccessNeeds.objects.exists()


def test_once_consent_is_given_the_form_does_not_ask_again(client: Client, expert2):
    needs_of(expert2)
    client.force_login(expert2)
    assert 'name="consent"' not in client.get(MINE).content.decode()
    client.post(MINE, form_data(bsl="on"))
    assert AccessNeeds.objects.get(user=expert2).bsl


def test_a_bad_choice_comes_back_with_the_error_pattern_and_keeps_what_was_typed(client, expert2):
    client.force_login(expert2)
    response = client.post(MINE, form_data(consent="on", share_story="perhaps", timing="Noon"))
    html = assert_error_page(response, field_id="id_share_story_0", kept="Noon")
    assert "Choose whether you ever want to share your own story" in summary_of(html)
    assert not AccessNeeds.objects.exists()


def test_withdrawing_consent_deletes_the_needs_and_logs_it_without_what_they_were(expert2):
    needs_of(expert2)
    decide(user=expert2, choices={Purpose.ACCESS_NEEDS: False})
    assert not AccessNeeds.objects.filter(user=expert2).exists()
    latest = Consent.objects.filter(user=expert2).order_by("-at", "-pk").first()
    assert latest is not None and not latest.given and latest.erased_access_needs
    assert all(SECRET not in str(value) for value in Consent.objects.values_list())


def test_co_leads_see_the_projects_access_needs(client: Client, project, practitioner, expert2):
    needs_of(expert2, contact_by="text", support_person_name="Sam Jones")
    client.force_login(practitioner)
    page = client.get(summary_url(project)).content.decode()
    assert "Eli" in page and "Large print" in page and "Sam Jones" in page
    assert SECRET in page and "An interpreter for Polish" in page


def test_an_expert_co_lead_sees_them_too(client: Client, project, expert, expert2):
    needs_of(expert2)
    client.force_login(expert)
    assert SECRET in client.get(summary_url(project)).content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("expert2", 403), ("practitioner2", 403), ("commissioner", 403), ("outsider", 404)],
)
def test_other_members_commissioners_and_outsiders_cannot_see_access_needs(
    client: Client, project, expert, who, status, request
):
    needs_of(expert)
    client.force_login(request.getfixturevalue(who))
    response = client.get(summary_url(project))
    assert response.status_code == status
    assert SECRET not in response.content.decode()


def test_the_menu_offers_access_needs_only_to_co_leads(
    client: Client, project, practitioner, expert2
):
    detail = reverse("projects:detail", kwargs={"slug": project.slug})
    client.force_login(practitioner)
    assert summary_url(project) in client.get(detail).content.decode()
    client.force_login(expert2)
    assert summary_url(project) not in client.get(detail).content.decode()


def test_needs_of_someone_who_left_or_is_in_another_project_are_not_listed(
    client: Client, project, practitioner, outsider, expert2
):
    needs_of(outsider, anything_else="Need of someone in no project")
    needs_of(expert2, anything_else="Left the project")
    membership = Membership.objects.get(project=project, user=expert2)
    remove_member(membership=membership, actor=practitioner)
    client.force_login(practitioner)
    page = client.get(summary_url(project)).content.decode()
    assert "Need of someone in no project" not in page and "Left the project" not in page


def test_the_summary_runs_a_fixed_number_of_queries_however_many_have_needs(
    client: Client, project, practitioner, join, django_assert_max_num_queries
):
    client.force_login(practitioner)
    with django_assert_max_num_queries(6):
        client.get(summary_url(project))
    for _n in range(20):
        needs_of(join(project, "expert_by_experience"))
    with django_assert_max_num_queries(6):
        page = client.get(summary_url(project))
    assert page.content.decode().count(SECRET) == 20


def test_the_admin_shows_access_needs_to_staff_but_not_their_free_text_in_the_list(
    admin_site: Client, expert2
):
    needs_of(expert2)
    listing = admin_site.get(reverse("admin:participation_accessneeds_changelist"))
    assert listing.status_code == 200 and "Eli" in listing.content.decode()
    assert SECRET not in listing.content.decode()


def test_the_admin_is_closed_to_people_who_are_not_staff(client: Client, expert, expert2):
    needs = needs_of(expert2)
    client.force_login(expert)
    for name, args in (("changelist", []), ("change", [needs.pk])):
        response = client.get(reverse(f"admin:participation_accessneeds_{name}", args=args))
        assert response.status_code == 302
        assert SECRET not in response.content.decode()


def test_co_leads_see_what_members_need_when_planning_an_activity_and_others_do_not(
    client: Client, project, practitioner, practitioner2, expert2
):
    save_access_needs(user=expert2, consent_given=True, large_print=True, timing="Mornings only")
    plan = reverse("activities:new", args=[project.slug])
    client.force_login(practitioner)  # a co-lead
    page = client.get(plan).content.decode()
    assert "What members need to take part" in page
    assert "Large print" in page and "Mornings only" in page
    client.force_login(practitioner2)  # may plan activities, is not a co-lead
    page = client.get(plan).content.decode()
    assert "What members need to take part" not in page and "Mornings only" not in page
