"""A session that ends mid-form loses nothing: sign-in never sends anyone back to an address
that only takes POST, and what they sent is filled in again on the page the form was on."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coproduce.kept_forms import SESSION_KEY
from projects.models import Vote
from tests.factories import PASSWORD
from tests.gate_helpers import open_gate

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_one(project, practitioner, expert):
    return open_gate(project, practitioner, expert)


def sign_in_url(response) -> tuple[str, str]:
    """Where a redirect to sign in goes, and where sign-in would send the person back."""
    assert response.status_code == 302
    parts = urlsplit(response["Location"])
    return parts.path, parse_qs(parts.query)["next"][0]


def session_ends(client: Client) -> None:
    """The session runs out; the browser keeps its other cookies."""
    client.cookies.pop(settings.SESSION_COOKIE_NAME)


def test_a_vote_sent_after_the_session_ended_comes_back_to_the_decision_page_with_the_choice(
    client: Client, open_one, expert2
):
    client.force_login(expert2)
    client.get(open_one.get_absolute_url())
    session_ends(client)
    vote_url = reverse("projects:gate_vote", args=[open_one.project.slug, open_one.pk])
    response = client.post(vote_url, {"choice": "object", "reason": "Evenings are too late"})

    login, back_to = sign_in_url(response)
    assert login == reverse("account_login")
    assert back_to == open_one.get_absolute_url()
    assert not Vote.objects.exists()

    signed_in = client.post(login, {"login": expert2.email, "password": PASSWORD, "next": back_to})
    assert signed_in["Location"] == back_to
    page = client.get(back_to).content.decode()
    assert "You were signed out before your vote was sent" in page
    assert 'value="object" required id="id_choice_1" checked' in page
    assert "Evenings are too late" in page
    assert not Vote.objects.exists()  # kept, not sent: the person sends it

    again = client.get(back_to).content.decode()
    assert "You were signed out" not in again


def test_a_vote_kept_at_a_shared_computer_is_not_shown_to_the_next_person_who_signs_in(
    client: Client, open_one, expert, expert2
):
    client.force_login(expert2)
    client.get(open_one.get_absolute_url())
    session_ends(client)
    vote_url = reverse("projects:gate_vote", args=[open_one.project.slug, open_one.pk])
    back_to = sign_in_url(client.post(vote_url, {"choice": "object", "reason": "Too late"}))[1]

    client.post(reverse("account_login"), {"login": expert.email, "password": PASSWORD})
    page = client.get(back_to).content.decode()

    assert "Too late" not in page
    assert "checked" not in page
    assert "You were signed out" not in page


def test_a_browser_keeps_only_the_latest_form(client: Client, open_one):
    for n in range(5):
        client.post(f"/projects/{open_one.project.slug}/gates/{open_one.pk + n}/vote/", {"x": "y"})
    assert len(client.session[SESSION_KEY]) == 1


def test_passwords_and_codes_are_never_kept(client: Client, open_one):
    vote_url = reverse("projects:gate_vote", args=[open_one.project.slug, open_one.pk])
    client.post(vote_url, {"choice": "approve", "password": "hunter2", "code": "123456"})

    kept = client.session[SESSION_KEY][open_one.get_absolute_url()]["fields"]
    assert kept == {"choice": ["approve"]}


def test_a_signed_in_get_on_a_post_only_address_leads_to_its_page_and_changes_nothing(
    client: Client, open_one, expert2
):
    client.force_login(expert2)
    vote_url = reverse("projects:gate_vote", args=[open_one.project.slug, open_one.pk])
    response = client.get(vote_url, {"choice": "approve"})
    # Not the browser's blank "405" screen: the decision page, with nothing voted.
    assert response.status_code == 302
    assert response["Location"] == open_one.get_absolute_url()
    assert not open_one.votes.exists()


def _patterns(resolvers: list[URLPattern | URLResolver], prefix: str = ""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _patterns(list(entry.url_patterns), namespace)
        elif entry.name:
            yield f"{prefix}{entry.name}", entry


OUR_APPS = ("projects:", "participation:", "contributions:")


def test_no_sign_in_anywhere_sends_people_back_to_an_address_that_only_takes_post(
    client: Client, open_one
):
    lead = open_one.project.created_by
    vote = Vote.objects.create(gate=open_one, voter=lead, choice="object", reason="Late")
    values = {"slug": open_one.project.slug, "pk": open_one.pk, "vote_pk": vote.pk, "token": "x"}
    back_to: dict[str, str] = {}
    for name, pattern in _patterns(get_resolver().url_patterns):
        if not name.startswith(OUR_APPS):
            continue
        kwargs = {key: values[key] for key in pattern.pattern.regex.groupindex}
        response = client.post(reverse(name, kwargs=kwargs), {"body": "kept"})
        if response.status_code == 302 and response["Location"].startswith(
            reverse("account_login")
        ):
            back_to[name] = sign_in_url(response)[1]
    assert len(back_to) >= 10

    client.force_login(lead)
    for name, page in back_to.items():
        assert client.get(page).status_code != 405, f"{name} sends people back to {page}"


def test_an_idea_sent_after_the_session_ended_is_filled_in_again_after_sign_in(
    client: Client, project, expert2
):
    ideas = reverse("contributions:list", args=[project.slug])
    client.force_login(expert2)
    client.get(ideas)
    session_ends(client)
    response = client.post(ideas, {"kind": "idea", "body": "Open the café on Sundays"})

    _login, back_to = sign_in_url(response)
    assert back_to == ideas
    client.force_login(expert2)
    page = client.get(ideas).content.decode()
    assert "You were signed out before this was sent" in page
    assert "Open the café on Sundays" in page


def test_the_sign_in_page_says_the_form_was_not_sent_yet(client: Client, open_one):
    vote_url = reverse("projects:gate_vote", args=[open_one.project.slug, open_one.pk])
    page = client.post(vote_url, {"choice": "approve"}, follow=True).content.decode()
    assert "what you sent has not been saved yet" in page
