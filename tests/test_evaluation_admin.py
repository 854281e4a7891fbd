"""The evaluation admin never links a person to a set of survey answers: no page shows who
gave a set, whether or when someone answered, and address-bar filters through the person,
the set or the answering are refused."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from evaluation.models import ItemAnswer, SurveyRequest, SurveyResponse
from tests.test_survey_page import FULL, end_stage, url

pytestmark = pytest.mark.django_db

COMMENT = "Evening meetings would suit me best."


@pytest.fixture
def answered(instruments, project, expert2, expert):
    """Design has ended; Eli (expert2) is the one expert by experience who answered, with a
    named comment; the other expert by experience did not answer."""
    end_stage(project)
    member = Client()
    member.force_login(expert2)
    assert member.post(url(project), {**FULL, "comment": COMMENT, "named": "on"}).status_code == 302
    return SurveyResponse.objects.get(respondent=expert2)


def identities(*people):
    return [text for person in people for text in (person.display_name, person.email)]


@pytest.mark.parametrize(
    ("model", "query"),
    [
        ("surveyresponse", "respondent__id__exact"),
        ("surveyresponse", "respondent"),
        ("surveyresponse", "respondent__display_name__icontains"),
        ("surveyresponse", "submitted_at__gte"),
        ("surveyresponse", "changed_at__gte"),
        ("itemanswer", "response__id__exact"),
        ("itemanswer", "response"),
        ("itemanswer", "response__respondent__id__exact"),
        ("surveyrequest", "user__id__exact"),
        ("surveyrequest", "answered_at__isnull"),
        ("surveyrequest", "reminded_at__isnull"),
    ],
)
def test_filters_through_the_person_the_set_or_the_answering_are_refused(
    admin_site: Client, answered, expert2, model, query
):
    value = {
        "respondent": expert2.pk,
        "user": expert2.pk,
        "response": answered.pk,
    }.get(query.split("__")[0], "1" if "isnull" in query else "2000-01-01")
    if "icontains" in query:
        value = expert2.display_name
    response = admin_site.get(reverse(f"admin:evaluation_{model}_changelist"), {query: value})
    assert response.status_code == 400, query
    html = response.content.decode()
    assert COMMENT not in html
    assert not any(text in html for text in identities(expert2))


def test_the_filters_staff_need_still_work(admin_site: Client, answered):
    listing = reverse("admin:evaluation_surveyresponse_changelist")
    assert admin_site.get(listing, {"group__exact": answered.group}).status_code == 200
    answers = reverse("admin:evaluation_itemanswer_changelist")
    assert admin_site.get(answers, {"item__instrument__id__exact": "1"}).status_code == 200


def test_no_page_of_answers_shows_who_gave_them_or_when(
    admin_site: Client, answered, expert2, expert
):
    comment = ItemAnswer.objects.get(text=COMMENT)
    pages = [
        reverse("admin:evaluation_surveyresponse_changelist"),
        reverse("admin:evaluation_surveyresponse_change", args=[answered.pk]),
        reverse("admin:evaluation_itemanswer_changelist"),
        reverse("admin:evaluation_itemanswer_change", args=[comment.pk]),
    ]
    for page in pages:
        response = admin_site.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert not any(text in html for text in identities(expert2, expert)), page
        # Neither label of the times a set was saved.
        assert "Answered:" not in html and "Last changed" not in html, page
        assert "column-submitted_at" not in html, page
    # A search by the person's name or address finds nothing of theirs: it is not searched.
    for model in ("surveyresponse", "itemanswer"):
        listing = reverse(f"admin:evaluation_{model}_changelist")
        rows = admin_site.get(listing).content.decode().count("/change/")
        for text in identities(expert2):
            searched = admin_site.get(listing, {"q": text}).content.decode()
            assert searched.count("/change/") == rows
    change = admin_site.get(reverse("admin:evaluation_itemanswer_change", args=[comment.pk]))
    assert COMMENT in change.content.decode()  # staff can still read the words


def test_the_requests_show_who_was_asked_but_not_whether_they_answered(
    admin_site: Client, answered, expert2, expert
):
    mine = SurveyRequest.objects.get(user=expert2)
    theirs = SurveyRequest.objects.get(user=expert, instrument=mine.instrument)
    assert (mine.is_answered, theirs.is_answered) == (True, False)
    listing = admin_site.get(reverse("admin:evaluation_surveyrequest_changelist"))
    html = listing.content.decode()
    assert expert2.display_name in html  # who was asked is listed
    assert "column-answered" not in html and "icon-yes" not in html and "icon-no" not in html
    assert "column-reminded_at" not in html
    pages = [
        admin_site.get(reverse("admin:evaluation_surveyrequest_change", args=[request.pk]))
        for request in (mine, theirs)
    ]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "Answered" not in html and "Reminded" not in html
