"""Every project page names the project above its heading and marks where the reader is in the
project menu (aria-current="page"), so nobody has to guess which project or section they are in.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.gate_helpers import closed_gate

pytestmark = pytest.mark.django_db

TITLE = "Housing First in Lambeth"

# url name -> the section of the project menu it belongs to
PAGES = {
    "projects:detail": "detail",
    "projects:members": "members",
    "projects:member_remove": "members",
    "projects:leave": "members",
    "participation:invitations": "members",
    "participation:bulk_invite": "members",
    "projects:gates": "gates",
    "projects:gate_new": "gates",
    "projects:gate": "gates",
    "projects:gate_signoff": "gates",
    "contributions:list": "ideas",
    "projects:settings": "settings",
    "projects:history": "history",
}
MENU_LINK = {
    "detail": "projects:detail",
    "members": "projects:members",
    "gates": "projects:gates",
    "ideas": "contributions:list",
    "settings": "projects:settings",
    "history": "projects:history",
}


@pytest.fixture
def pages(project, expert2):
    gate = closed_gate(project, passed=True, signoff_required=True)
    remove = project.memberships.get(user=expert2).pk
    extra = {"projects:member_remove": [remove], "projects:gate": [gate.pk]}
    extra["projects:gate_signoff"] = [gate.pk]
    return {name: reverse(name, args=[project.slug, *extra.get(name, [])]) for name in PAGES}


def menu(html: str) -> str:
    found = re.search(r'<nav class="subnav".*?</nav>', html, re.S)
    assert found, "no project menu"
    return found.group(0)


@pytest.mark.parametrize("name", PAGES)
def test_every_project_page_names_the_project_and_marks_its_section(
    client: Client, project, practitioner, commissioner, pages, name
):
    # The sign-off is the commissioner's page; every other one is open to a co-lead.
    client.force_login(commissioner if name == "projects:gate_signoff" else practitioner)
    response = client.get(pages[name])
    assert response.status_code == 200, name
    html = response.content.decode()
    h1 = html.index("<h1")
    nav = menu(html)
    if name == "projects:detail":
        # The overview's heading is the project's name, with the menu right under it.
        assert html.index(f"<h1>{TITLE}</h1>") < html.index(nav)
    else:
        assert html.index(f'<p class="muted project-name">{TITLE}</p>') < html.index(nav) < h1
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', nav)
    assert current == [reverse(MENU_LINK[PAGES[name]], args=[project.slug])], name
    assert TITLE in html[html.index("<title>") : html.index("</title>")], name
