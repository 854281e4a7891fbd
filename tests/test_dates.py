"""Every page writes dates and times the same way: "4 December 2026, 23:06"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats

from projects import gates
from tests.gate_helpers import lived_take_part

pytestmark = pytest.mark.django_db

# London is on UTC in December, so this closes at 23:06 on the site's clock.
CLOSES = datetime(2026, 12, 4, 23, 6, tzinfo=UTC)


@pytest.fixture
def late_gate(project, practitioner, expert):
    lived_take_part(project, expert)
    gate = gates.draft_gate(
        project=project, actor=practitioner, proposal="Move on.", what_changes="Evenings."
    )
    return gates.open_gate(gate=gate, actor=practitioner, now=CLOSES - timedelta(hours=72))


def test_history_writes_times_on_the_24_hour_clock_like_every_other_page(
    client: Client, project, expert, late_gate
):
    client.force_login(expert)
    pages = [
        reverse("projects:history", args=[project.slug]),
        late_gate.get_absolute_url(),
        reverse("projects:gates", args=[project.slug]),
        reverse("dashboard"),
        project.get_absolute_url(),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "4 December 2026, 23:06" in page, url
        assert "p.m." not in page and "a.m." not in page, url


def test_the_site_formats_name_one_way_of_writing_dates_and_times():
    moment = datetime(2026, 12, 4, 23, 6, tzinfo=UTC)
    assert formats.date_format(moment, "DATETIME_FORMAT") == "4 December 2026, 23:06"
    assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "4 Dec 2026, 23:06"
    assert formats.time_format(moment, "TIME_FORMAT") == "23:06"
    assert formats.date_format(moment, "DATE_FORMAT") == "4 December 2026"
