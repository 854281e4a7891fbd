"""One name for each group everywhere, and the settings words explained next to their controls.

The groups are "Experts by experience" and "Practitioners" (and "Commissioners", who do not
vote) on every page, in every email and in the admin: never "Lived experience" or "Learned
experience" as a group's name.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Bloc
from projects.selectors.projects import members_by_bloc

pytestmark = pytest.mark.django_db

OLD_NAMES = re.compile(r"(Lived|Learned) experience|Non-voting")


def test_the_groups_have_one_name_each():
    assert [str(label) for label in Bloc.labels] == [
        "Experts by experience",
        "Practitioners",
        "Commissioners",
    ]


def test_the_overview_heads_its_member_groups_with_the_one_name(client: Client, project, expert2):
    client.force_login(expert2)
    html = client.get(project.get_absolute_url()).content.decode()
    assert not OLD_NAMES.search(html)
    assert [group.heading for group in members_by_bloc(project)] == [
        "Experts by experience",
        "Practitioners",
        "Commissioners",
    ]
    assert '<h3 id="bloc-lived">Experts by experience' in html
    assert '<h3 id="bloc-learned">Practitioners' in html


@pytest.mark.parametrize("url_name", ["home", "account_login"])
def test_public_pages_use_the_group_names(client: Client, url_name):
    html = client.get(reverse(url_name)).content.decode()
    assert not OLD_NAMES.search(html)
    assert "experts by experience" in html.lower()


def test_the_settings_page_explains_each_setting_next_to_its_control(
    client: Client, project, practitioner
):
    client.force_login(practitioner)
    html = client.get(reverse("projects:settings", args=[project.slug])).content.decode()
    explained = {
        "id_quorum": "How many in each group must vote for the result to count.",
        "id_min_votes_per_bloc": "at least this many people in each group have voted",
        "id_voting_window_hours": "How long each vote stays open",
        "id_signoff_every_gate": "Sign-off means a commissioner checks that both groups",
    }
    for field, words in explained.items():
        hint = re.search(rf'<div class="helptext" id="{field}_helptext">(.*?)</div>', html, re.S)
        assert hint and words in hint.group(1), field
        # The hint is read out with the control (Django 5.2 links it by aria-describedby).
        assert re.search(rf'aria-describedby="[^"]*{field}_helptext', html), field


def test_each_decision_rule_says_what_it_means_with_its_radio_button(
    client: Client, project, practitioner
):
    client.force_login(practitioner)
    html = client.get(reverse("projects:settings", args=[project.slug])).content.decode()
    labels = re.findall(r'<label for="id_decision_rule_\d">.*?</label>', html, re.S)
    assert len(labels) == 3
    dual, parity, consent = labels
    assert "dual key" in dual and "A bigger group can never outvote a smaller one" in dual
    assert "parity weighted" in parity and "each group the same weight" in parity
    assert "Consent" in consent and "no one objects" in consent


def test_starting_a_project_explains_the_same_settings(client: Client, practitioner):
    client.force_login(practitioner)
    html = client.get(reverse("projects:new")).content.decode()
    assert '<label for="id_quorum">Quorum</label>' in html
    # Labels and legends end without a colon, as on every form of the site.
    assert not re.search(r"<(label|legend)[^>]*>[^<]*:</(label|legend)>", html)
    assert "How many in each group must vote for the result to count." in html
    assert "A bigger group can never outvote a smaller one" in html
