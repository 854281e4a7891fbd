"""Real concurrency: jobs started at one instant, each on its own thread and connection.

Row locks (select_for_update) need PostgreSQL; use `postgresql_only` on such tests. Tests
that use `race` need `pytest.mark.django_db(transaction=True)`, so each thread sees what the
others commit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
)


def race(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Start every job at the same instant on its own thread and connection; return outcomes."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[Any] = [None] * len(jobs)

    def run(i: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[i] = job()
        except Exception as error:
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
