"""The evidence pack and the evaluation report say whether the record checks out, at no query
more; every member can download the log with its hashes as CSV, as they can read the history.
"""

from __future__ import annotations

import csv
import hashlib
import io

import pgtrigger
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import chain
from projects.models import Event, Gate
from projects.services.record import check_record
from tests.evaluation_data import closed

pytestmark = pytest.mark.django_db

# The sign-off page (the project fixture, one closed decision awaiting sign-off, seen by its
# commissioner) and the report (seen by a co-lead), on a first visit: the same before and after
# the record's status was shown (18 and 28 on a second visit, before and after): the last
# check comes in the access door's query for the project.
SIGNOFF_QUERIES = 19
REPORT_QUERIES = 29


def signoff_url(project) -> str:
    gate = closed(project, lived=(2, 2, 2), learned=(2, 2, 2))
    Gate.objects.filter(pk=gate.pk).update(signoff_required=True)
    return reverse("projects:gate_signoff", kwargs={"slug": project.slug, "pk": gate.pk})


def report_url(project) -> str:
    return reverse("reports:report", kwargs={"slug": project.slug})


def csv_url(project) -> str:
    return reverse("projects:history_csv", kwargs={"slug": project.slug})


def page(client: Client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


# --- The pages say whether the record checks out -----------------------------------------------


def test_the_evidence_pack_says_the_record_checks_out_at_no_query_more(
    client: Client, project, commissioner
):
    url = signoff_url(project)
    client.force_login(commissioner)
    html, before = page(client, url)
    assert "has not been checked yet" in html
    check = check_record(project=project)
    html, after = page(client, url)
    assert f"The first {check.entries} entries of this record check out (checked" in html
    assert "Entries written since then are checked next time." in html
    assert csv_url(project) in html
    assert after == before <= SIGNOFF_QUERIES


def test_the_report_warns_when_the_record_does_not_check_out(client: Client, project, expert):
    client.force_login(expert)
    html, before = page(client, report_url(project))
    with pgtrigger.ignore(), connection.cursor() as cursor:  # as a database owner could
        cursor.execute(
            "UPDATE projects_event SET summary = 'Nothing.' WHERE project_id = %s AND seq = 2",
            [project.pk],
        )
    check_record(project=project)
    html, after = page(client, report_url(project))
    assert "Warning:" in html
    assert "Entry number 2 had its wording changed after it was written. Entries 1 to 1" in html
    assert after == before <= REPORT_QUERIES


def test_a_fault_in_the_first_entry_says_no_entry_could_be_confirmed(
    client: Client, project, expert
):
    # The warning had said "Entries 1 to 0 check out".
    client.force_login(expert)
    with pgtrigger.ignore(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE projects_event SET summary = 'Nothing.' WHERE project_id = %s AND seq = 1",
            [project.pk],
        )
    check_record(project=project)
    for url in (report_url(project), reverse("projects:history", args=[project.slug])):
        html = client.get(url).content.decode()
        assert "Entry number 1 had its wording changed" in html
        assert "so no entry could be confirmed" in html
        assert "Entries 1 to 0" not in html


# --- The log as CSV ----------------------------------------------------------------------------


def read_csv(client, project) -> list[dict[str, str]]:
    response = client.get(csv_url(project))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{project.slug}-record.csv"'
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_holds_every_entry_with_what_recomputes_its_hash(
    client: Client, project, commissioner
):
    client.force_login(commissioner)
    rows = read_csv(client, project)
    events = list(Event.objects.filter(project=project).order_by("seq"))
    assert [int(row["seq"]) for row in rows] == [e.seq for e in events]
    previous = chain.GENESIS
    for row in rows:
        digest = chain.summary_digest(nonce=row["nonce"], summary=row["summary"])
        assert digest == row["summary_digest"]
        text = "\n".join(
            [
                "coproduce-event-v1",
                f"project={row['project']}",
                f"seq={row['seq']}",
                f"kind={row['kind']}",
                f"stage={row['stage']}",
                f"at={row['at']}",
                f"actor={row['actor']}",
                f"summary={digest}",
                f"data={row['data']}",
                f"previous={previous}",
            ]
        )
        assert hashlib.sha256(text.encode()).hexdigest() == row["hash"]
        assert row["prev_hash"] == previous
        previous = row["hash"]


def test_an_outsider_cannot_download_the_record(client: Client, project, outsider):
    client.force_login(outsider)
    assert client.get(csv_url(project)).status_code == 404


def test_a_visitor_who_is_not_signed_in_is_asked_to_sign_in(client: Client, project):
    response = client.get(csv_url(project))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("who", ["expert2", "practitioner2", "commissioner", "expert"])
def test_every_member_who_reads_the_history_can_download_the_record(
    client: Client, project, who, request
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("projects:history", kwargs={"slug": project.slug})).status_code == 200
    assert len(read_csv(client, project)) == Event.objects.filter(project=project).count()


def test_a_member_who_left_can_no_longer_download_it(client: Client, project, expert2):
    from projects.models import Membership
    from projects.services import memberships

    memberships.leave_project(membership=Membership.objects.get(project=project, user=expert2))
    client.force_login(expert2)
    assert client.get(csv_url(project)).status_code == 404


def test_the_history_page_links_to_the_download(client: Client, project, expert2):
    client.force_login(expert2)
    html = client.get(reverse("projects:history", kwargs={"slug": project.slug})).content.decode()
    assert csv_url(project) in html


def test_a_summary_a_spreadsheet_would_run_is_written_as_text(
    client: Client, project, practitioner
):
    from projects.models import EventKind
    from projects.services.history import log_event

    log_event(project=project, kind=EventKind.SETTINGS_CHANGED, actor=practitioner, summary="=1+1")
    client.force_login(practitioner)
    assert read_csv(client, project)[-1]["summary"] == "'=1+1"
