"""Erasing an account and "Download my data" cover what the evaluation report holds: the
findings a person recorded and the versions of the team's summary they saved."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from evaluation.models import Finding, SummaryVersion
from evaluation.services.report import add_finding, save_summary
from participation.services.erasure import REMOVED, erase_account

pytestmark = pytest.mark.django_db

PARTS = {
    "aim": "Design a housing service with the people who will use it.",
    "taking_part": "Eight meetings, half of them run by experts by experience.",
    "results": "A service design the council has agreed to fund.",
    "lived_experience": "The drop-in moved to the evening.",
    "differently": "Start the payments earlier.",
}


def test_erasing_an_account_removes_the_words_of_its_findings_and_keeps_the_summary(
    project, expert2, practitioner2
):
    add_finding(
        project=project,
        author=expert2,
        title="Evening drop-ins",
        found="People at the hostel asked for evening sessions.",
        method="Peer interviews",
        named=True,
    )
    add_finding(
        project=project, author=practitioner2, title="Not theirs", found="Kept.", method="Survey"
    )
    save_summary(project=project, author=expert2, based_on=0, parts=PARTS)

    erase_account(user=expert2)

    erased = Finding.objects.get(author=expert2)
    assert (erased.title, erased.found, erased.method, erased.named) == (
        str(REMOVED),
        str(REMOVED),
        "",
        False,
    )
    assert Finding.objects.get(author=practitioner2).found == "Kept."
    # The summary is the project's voice: it stays, word for word.
    assert SummaryVersion.objects.get().lived_experience == "The drop-in moved to the evening."


def test_my_data_lists_my_findings_and_the_summary_versions_i_saved_and_nobody_elses(
    client, project, expert2, practitioner2
):
    add_finding(
        project=project, author=expert2, title="Evening drop-ins", found="Asked.", method="Talks"
    )
    add_finding(
        project=project, author=practitioner2, title="Not mine", found="Other.", method="Survey"
    )
    save_summary(project=project, author=practitioner2, based_on=0, parts=PARTS)
    save_summary(project=project, author=expert2, based_on=1, parts={**PARTS, "results": "Funded."})

    client.force_login(expert2)
    record = json.loads(client.get(reverse("my:json")).content)

    assert [row["title"] for row in record["findings"]] == ["Evening drop-ins"]
    assert [(row["version"], row["results"]) for row in record["evaluation_summaries_saved"]] == [
        (2, "Funded.")
    ]
