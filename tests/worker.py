"""Start a real Celery worker process for the tests that need one (CI, with REDIS_URL set)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def celery_worker(**env: str) -> Iterator[subprocess.Popen[bytes]]:
    """A solo-pool worker for the coproduce app, with `env` on top of this environment."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    environment.update(env)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "coproduce",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=environment,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
