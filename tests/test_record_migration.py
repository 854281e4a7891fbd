"""Events written before the chain existed are chained by the data migration, in the order
they were written, exactly as `log_event` would have chained them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from projects.models import Event
from projects.services.record import walk_chain

BEFORE = [("projects", "0014_help_permission")]
AFTER = [("projects", "0016_event_append_only")]


def migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_the_events_already_written(project):
    written = list(Event.objects.filter(project=project).order_by("pk").values_list("pk", "kind"))
    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM projects_event WHERE project_id = %s", [project.pk]
            )
            assert cursor.fetchone() == (len(written),)
    finally:
        migrate(AFTER)
    rechained = list(Event.objects.filter(project=project).order_by("seq"))
    assert [(e.pk, e.kind) for e in rechained] == written
    assert [e.seq for e in rechained] == list(range(1, len(written) + 1))
    finding = walk_chain(project_id=project.pk)
    assert (finding.fault, finding.entries) == ("", len(written))
