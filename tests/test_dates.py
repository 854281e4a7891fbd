"""Dates and times are written one way on every page, in every email and text message and in the
history: "4 December 2026, 23:06" for a moment and "4 December 2026" for a day, on the 24-hour
clock, with no short month and no day of the week."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import formats

from coproduce import dates
from participation.models import NotificationPreference
from projects import services
from projects.models import Choice
from projects.services import gates
from tests.gate_helpers import lived_take_part
from tests.participation_fixtures import use_locmem_sms

pytestmark = pytest.mark.django_db

# London is on UTC in December, so this closes at 23:06 on the site's clock.
CLOSES = datetime(2026, 12, 4, 23, 6, tzinfo=UTC)
ONE_WAY = "4 December 2026, 23:06"
# What the old mixed output looked like: a short month, a weekday, a 12-hour clock.
OTHER_WAYS = re.compile(r"\b\d{1,2} Dec \d{4}|Friday 4 December|\b[ap]\.m\.")

ROOT = Path(django_settings.BASE_DIR)


@pytest.fixture
def late_gate(project, practitioner, expert):
    lived_take_part(project, expert)
    gate = gates.draft_gate(
        project=project, actor=practitioner, proposal="Move on.", what_changes="Evenings."
    )
    return gates.open_gate(gate=gate, actor=practitioner, now=CLOSES - timedelta(hours=72))


def assert_one_way(text: str, where: str, expected: str = ONE_WAY) -> None:
    assert expected in text, where
    assert not OTHER_WAYS.search(text), (where, OTHER_WAYS.search(text))


def test_every_page_writes_a_deadline_on_the_24_hour_clock(
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
        assert_one_way(client.get(url).content.decode(), url)


def test_a_time_on_a_page_gives_machines_the_exact_moment(client: Client, expert, late_gate):
    client.force_login(expert)
    html = client.get(late_gate.get_absolute_url()).content.decode()
    assert f'<time datetime="2026-12-04T23:06:00+00:00">{ONE_WAY}</time>' in html


def test_the_history_summary_of_an_opened_vote_names_its_deadline_the_same_way(
    client: Client, project, expert, late_gate
):
    client.force_login(expert)
    html = client.get(reverse("projects:history", args=[project.slug])).content.decode()
    assert f"it closes {ONE_WAY}." in html


def test_emails_and_text_messages_write_the_deadline_as_the_pages_do(
    project, practitioner, expert, expert2, settings, mailoutbox, django_capture_on_commit_callbacks
):
    texts = use_locmem_sms(settings)
    expert2.phone = "07700900123"
    expert2.save()
    NotificationPreference.objects.create(user=expert2, channel="both")
    with django_capture_on_commit_callbacks(execute=True):
        lived_take_part(project, expert)
        gate = gates.draft_gate(
            project=project, actor=practitioner, proposal="Move on.", what_changes="Evenings."
        )
        gates.open_gate(gate=gate, actor=practitioner, now=CLOSES - timedelta(hours=72))
    assert mailoutbox, "no email was sent"
    for email in mailoutbox:
        assert_one_way(email.body, email.subject)
        assert_one_way(str(email.alternatives[0][0]), email.subject)
    assert_one_way(texts[0].body, "text message")


def test_the_sign_off_evidence_lists_events_in_full_not_with_short_months(
    client: Client, project, practitioner, practitioner2, expert, expert2, commissioner
):
    services.update_settings(
        project=project, actor=practitioner, changes={"signoff_every_gate": True}
    )
    with time_machine.travel(CLOSES - timedelta(hours=2), tick=False):
        lived_take_part(project, expert)
    with time_machine.travel(CLOSES - timedelta(hours=1), tick=False):
        gate = gates.draft_gate(
            project=project, actor=practitioner, proposal="Move on.", what_changes="Evenings."
        )
        gates.open_gate(gate=gate, actor=practitioner)
    with time_machine.travel(CLOSES, tick=False):
        for voter in (practitioner, practitioner2, expert, expert2):
            gates.cast_vote(gate=gate, voter=voter, choice=Choice.APPROVE)
    client.force_login(commissioner)
    url = reverse("projects:gate_signoff", args=[project.slug, gate.pk])
    assert_one_way(client.get(url).content.decode(), url)


def test_ideas_and_comments_show_the_day_in_full(client: Client, project, expert):
    with time_machine.travel(CLOSES, tick=False):
        lived_take_part(project, expert)
    client.force_login(expert)
    url = reverse("contributions:list", args=[project.slug])
    assert_one_way(client.get(url).content.decode(), url, expected="4 December 2026")


def test_the_one_helper_writes_moments_and_days_on_the_sites_clock():
    summer = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)  # 00:30 the next day in London
    assert dates.moment(CLOSES) == ONE_WAY
    assert dates.day(CLOSES) == "4 December 2026"
    assert dates.moment(summer) == "2 July 2026, 00:30"
    assert dates.day(summer) == "2 July 2026"


def test_what_django_writes_by_itself_matches_too():
    assert formats.date_format(CLOSES, "SHORT_DATETIME_FORMAT") == ONE_WAY
    assert formats.date_format(CLOSES, "SHORT_DATE_FORMAT") == "4 December 2026"


def test_no_template_or_module_formats_a_date_its_own_way():
    """Every date goes through coproduce.dates (Python) or the `moment`/`day` filters
    (templates): a new `|date:"..."` or `strftime` would bring back a second way."""
    own_way = re.compile(r"\|date:|\|time:|naturaltime|naturalday|strftime|date_format\(")
    helper = ROOT / "coproduce" / "dates.py"
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("templates", "coproduce", "projects", "participation", "evaluation")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".html", ".txt", ".py"}
        and path != helper
        and "migrations" not in path.parts
        and own_way.search(path.read_text())
    ]
    assert offenders == []
