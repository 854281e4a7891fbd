"""The record proves itself: each project's log is a hash chain that `verify_log` checks, and
PostgreSQL itself refuses to change or delete an entry.

On SQLite the tests tamper through raw SQL, past the app's own guard, as an intruder with
database access would; the trigger tests need PostgreSQL (CI runs it).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable
from datetime import UTC

import pgtrigger
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from participation.services.erasure import erase_account
from projects import chain
from projects.models import Event, EventKind, Fault, Project, RecordCheck
from projects.selectors.record import record_status
from projects.services import history
from projects.services.record import check_record, walk_chain
from tests.concurrency import postgresql_only, race

pytestmark = pytest.mark.django_db


def sql(statement: str, *params: int | str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def tamper(statement: str, *params: int | str) -> None:
    """Change the log as someone who owns the database can: on PostgreSQL, past its triggers."""
    with pgtrigger.ignore():
        sql(statement, *params)


def entry(project: Project, seq: int) -> Event:
    return Event.objects.get(project=project, seq=seq)


def verify(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_log", *args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("verify_log", *args, stdout=out)
    assert raised.value.returncode == 1
    return out.getvalue()


# --- A whole chain ------------------------------------------------------------------------------


def test_each_entry_holds_the_hash_of_the_one_before(project):
    events = list(Event.objects.filter(project=project).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == chain.GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash


def test_an_auditor_recomputes_a_hash_from_the_documented_serialisation(project):
    """The recipe in projects/chain.py, written out again here by hand."""
    event = entry(project, 2)
    digest = hashlib.sha256(f"{event.nonce}\n{event.summary}".encode()).hexdigest()
    text = "\n".join(
        [
            "coproduce-event-v1",
            f"project={project.pk}",
            "seq=2",
            f"kind={event.kind}",
            f"stage={event.stage}",
            f"at={event.at.astimezone(UTC).isoformat(timespec='microseconds')}",
            f"actor={event.actor_id or ''}",
            f"summary={digest}",
            "data=" + json.dumps(event.data, sort_keys=True, separators=(",", ":")),
            f"previous={event.prev_hash}",
        ]
    )
    assert hashlib.sha256(text.encode()).hexdigest() == event.hash


def test_verify_log_says_all_is_well_with_counts(project):
    entries = Event.objects.filter(project=project).count()
    out = verify()
    assert f"{project.slug}: The record checks out: {entries} entries" in out
    assert f"All is well: 1 project records, {entries} entries, all check out." in out
    assert record_status(project) == RecordCheck.objects.get(project=project)


def test_verify_log_checks_one_project_by_its_slug(project):
    assert project.slug in verify(project.slug)
    with pytest.raises(CommandError, match="no project called"):
        call_command("verify_log", "no-such-project")


# --- Tampering ----------------------------------------------------------------------------------


def test_a_changed_entry_is_reported_by_its_position(project):
    tamper(
        "UPDATE projects_event SET kind = 'signed_off' WHERE project_id = %s AND seq = 3",
        project.pk,
    )
    out = refused(project.slug)
    assert "entry 3 was changed after it was written" in out
    assert "Entries 1 to 2 check out." in out
    check = RecordCheck.objects.get(project=project)
    assert (check.fault, check.fault_seq) == (Fault.CHANGED, 3)


def test_a_changed_first_entry_says_no_entry_could_be_confirmed(project):
    tamper(
        "UPDATE projects_event SET kind = 'signed_off' WHERE project_id = %s AND seq = 1",
        project.pk,
    )
    out = refused(project.slug)
    assert "entry 1 was changed after it was written, so no entry could be confirmed." in out
    assert "Entries 1 to 0" not in out


def test_changed_wording_is_reported_even_though_the_hash_fields_are_intact(project):
    tamper(
        "UPDATE projects_event SET summary = 'Nobody joined.' WHERE project_id = %s AND seq = 2",
        project.pk,
    )
    assert "entry 2 had its wording changed after it was written" in refused()
    assert RecordCheck.objects.get(project=project).fault == Fault.WORDING_CHANGED


def test_a_removed_entry_is_reported(project):
    tamper("DELETE FROM projects_event WHERE project_id = %s AND seq = 4", project.pk)
    assert "entry 4 was removed" in refused()


def test_reordered_entries_are_reported(project):
    # Swap the positions of entries 2 and 3 (through a spare number, for the unique constraint).
    tamper("UPDATE projects_event SET seq = 999 WHERE project_id = %s AND seq = 2", project.pk)
    tamper("UPDATE projects_event SET seq = 2 WHERE project_id = %s AND seq = 3", project.pk)
    tamper("UPDATE projects_event SET seq = 3 WHERE project_id = %s AND seq = 999", project.pk)
    out = refused()
    assert "entry 2 was changed after it was written" in out


def test_a_rewritten_chain_does_not_match_what_was_checked_before(project):
    """Entries removed from the end leave a whole chain, but shorter than the last check."""
    verify()
    last = Event.objects.filter(project=project).order_by("-seq").first()
    assert last is not None
    tamper("DELETE FROM projects_event WHERE id = %s", last.pk)
    assert f"entry {last.seq} was removed from the end of the log" in refused()


def test_a_fault_shows_first_even_when_later_entries_are_sound(project, practitioner):
    history.log_event(
        project=project, kind=EventKind.SETTINGS_CHANGED, actor=practitioner, summary="x"
    )
    tamper(
        "UPDATE projects_event SET stage = 'closed' WHERE project_id = %s AND seq = 1", project.pk
    )
    finding = walk_chain(project_id=project.pk)
    assert (finding.fault, finding.fault_seq, finding.verified_seq) == (Fault.CHANGED, 1, 0)


# --- Erasure keeps the chain whole -------------------------------------------------------------


def test_erasing_a_name_keeps_the_record_checking_out(project, expert2):
    name = expert2.display_name
    assert Event.objects.filter(project=project, summary__contains=name).exists()
    erase_account(user=expert2)
    assert not Event.objects.filter(summary__contains=name).exists()
    erased = Event.objects.get(project=project, kind=EventKind.NAMES_ERASED)
    assert erased.data["entries"]
    assert all(entry(project, seq).nonce == "" for seq in erased.data["entries"])
    check = check_record(project=project)
    assert check.sound, check


def test_every_name_leaves_a_wording_that_holds_several(project, expert2, practitioner):
    history.log_event(
        project=project,
        kind=EventKind.INVITATION_SENT,
        actor=practitioner,
        summary=f"{expert2.display_name} was invited at {expert2.email}.",
    )
    erase_account(user=expert2)
    last_invited = Event.objects.filter(project=project, kind=EventKind.INVITATION_SENT).get()
    assert last_invited.summary == "Former member was invited at Former member."
    assert check_record(project=project).sound


# --- The bulk loader ---------------------------------------------------------------------------


def test_the_benchmark_load_makes_whole_chains(settings):
    settings.DEBUG = True
    call_command("seed_load", projects=6, users=80, seed=1, verbosity=0)
    for project in Project.objects.all():
        finding = walk_chain(project_id=project.pk)
        assert not finding.fault, (project.slug, finding)
        assert finding.entries == Event.objects.filter(project=project).count() > 0


# --- PostgreSQL refuses -------------------------------------------------------------------------


@postgresql_only
def test_postgresql_refuses_to_update_an_entry(project):
    with pytest.raises(DatabaseError, match="Cannot update"), transaction.atomic():
        sql("UPDATE projects_event SET summary = 'Nothing.' WHERE project_id = %s", project.pk)


@postgresql_only
def test_postgresql_refuses_to_delete_an_entry(project):
    with pytest.raises(DatabaseError, match="Cannot delete"), transaction.atomic():
        sql("DELETE FROM projects_event WHERE project_id = %s", project.pk)
    assert Event.objects.filter(project=project).exists()


@postgresql_only
def test_even_erasure_may_change_nothing_but_the_wording(project):
    with (
        pytest.raises(DatabaseError, match="Cannot update"),
        pgtrigger.ignore("projects.Event:no_update"),
        transaction.atomic(),
    ):
        sql("UPDATE projects_event SET kind = 'signed_off' WHERE project_id = %s", project.pk)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_events_logged_at_once_queue_up_and_never_fork_the_chain(project, practitioner):
    def log(i: int) -> Callable[[], Event]:
        return lambda: history.log_event(
            project=project, kind=EventKind.SETTINGS_CHANGED, actor=practitioner, summary=f"{i}"
        )

    outcomes = race([log(i) for i in range(8)])
    assert all(isinstance(outcome, Event) for outcome in outcomes), outcomes
    finding = walk_chain(project_id=project.pk)
    assert not finding.fault
    assert finding.entries == Event.objects.filter(project=project).count()


# --- The hourly check ---------------------------------------------------------------------------


def test_the_hourly_task_checks_every_record_and_counts_the_faulty(project, project_factory):
    from projects.tasks import check_records

    other = project_factory()
    assert check_records() == 0
    assert RecordCheck.objects.filter(project__in=[project, other], fault="").count() == 2
    tamper("DELETE FROM projects_event WHERE project_id = %s AND seq = 1", other.pk)
    assert check_records() == 1
    assert RecordCheck.objects.get(project=other).fault == Fault.MISSING
