"""The 403, 404 and 500 pages: the site's layout (a phone-width viewport), a plain reason and a
way back, with DEBUG off as in production."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db

WAY_BACK = ("dashboard", "account_login")


def assert_error_page(response, status: int, heading: str, reason: str) -> None:
    """The site's layout, the right status, a plain heading and reason, and a way back."""
    html = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in html
    assert reason in html
    assert_site_page(html)


def assert_site_page(html: str) -> None:
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert 'href="/static/css/site.css"' in html or "site.css" in html
    for name in WAY_BACK:
        assert f'href="{reverse(name)}"' in html


@override_settings(DEBUG=False)
def test_a_missing_page_says_so_plainly_and_offers_a_way_back(client: Client):
    response = client.get("/no-such-page/")
    assert_error_page(response, 404, "Page not found", "you may not be a member of that project")


@override_settings(DEBUG=False)
def test_a_project_you_are_not_in_gets_the_same_plain_not_found_page(
    client: Client, project, outsider
):
    client.force_login(outsider)
    response = client.get(reverse("projects:detail", args=[project.slug]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@override_settings(DEBUG=False)
def test_a_member_without_the_right_gets_a_plain_forbidden_page(client: Client, project, expert2):
    client.force_login(expert2)
    response = client.get(reverse("projects:settings", args=[project.slug]))
    assert_error_page(response, 403, "You cannot do this here", "ask a co-lead of the project")


@override_settings(DEBUG=False)
def test_a_server_error_page_has_the_layout_and_a_way_back():
    response = server_error(RequestFactory().get("/"))
    assert_error_page(response, 500, "Something went wrong", "It is not your fault.")
