"""The team's summary and findings when people press save at the same instant (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from evaluation.models import Finding, SummaryVersion
from evaluation.services.report import SummaryChanged, add_finding, save_summary
from tests.concurrency import postgresql_only, race

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_two_first_saves_at_once_keep_one_version_and_refuse_the_other(
    project, expert, practitioner2
):
    jobs: list[Callable[[], Any]] = [
        partial(save_summary, project=project, author=person, based_on=0, parts={"aim": words})
        for person, words in ((expert, "Erin's aim."), (practitioner2, "Petra's aim."))
    ]
    outcomes = race(jobs)
    assert sum(isinstance(o, SummaryVersion) for o in outcomes) == 1
    assert sum(isinstance(o, SummaryChanged) for o in outcomes) == 1
    assert SummaryVersion.objects.count() == 1


def test_five_saves_from_one_version_at_once_make_one_next_version(project, expert, join):
    save_summary(project=project, author=expert, based_on=0, parts={"aim": "First."})
    people = [join(project, "expert_by_experience") for _n in range(5)]
    outcomes = race(
        [
            partial(save_summary, project=project, author=p, based_on=1, parts={"aim": f"By {n}."})
            for n, p in enumerate(people)
        ]
    )
    assert sum(isinstance(o, SummaryVersion) for o in outcomes) == 1
    assert sum(isinstance(o, SummaryChanged) for o in outcomes) == 4
    assert sorted(SummaryVersion.objects.values_list("number", flat=True)) == [1, 2]


def test_a_finding_sent_five_times_at_once_is_recorded_once(project, expert2):
    send = partial(
        add_finding,
        project=project,
        author=expert2,
        title="Evenings",
        found="Later is better.",
        method="A group talk",
    )
    race([send] * 5)
    assert Finding.objects.count() == 1
