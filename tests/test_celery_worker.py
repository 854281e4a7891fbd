"""With REDIS_URL set (as in CI), tasks round-trip through Redis and a real worker process."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery

from coproduce.celery import app as celery_app
from coproduce.tasks import ping
from tests.worker import celery_worker

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real Redis); CI sets it"
)


@pytest.fixture
def real_broker() -> Iterator[Celery]:
    """Undo the test-wide eager mode so calls go to the broker."""
    celery_app.conf.task_always_eager = False
    try:
        yield celery_app
    finally:
        celery_app.conf.task_always_eager = True


@pytest.fixture
def worker() -> Iterator[subprocess.Popen[bytes]]:
    with celery_worker() as process:
        yield process


def test_a_task_round_trips_through_redis_and_a_real_worker(real_broker, worker):
    result = ping.delay("hello from the test")
    assert result.get(timeout=60) == "hello from the test"
