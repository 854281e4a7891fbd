"""What every app's `load` module shares when `seed_load` fills a database for a benchmark.

`seed_load` calls `<app>.load.load(plan, **made)` in INSTALLED_APPS order, as `seed_demo`
calls each app's `demo.seed`. Each app makes its rows with `bulk_create` from `plan.rng`
alone, so the same seed gives the same data, and hands on what later apps need.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from django.db.models import Model
from django.utils import timezone
from tqdm import tqdm

M = TypeVar("M", bound=Model)
T = TypeVar("T")

# The password of every loaded account: published in the README, so seed_load refuses to run
# on a site with DEBUG off unless told it is not a real one.
LOAD_PASSWORD = "coproduce-load"  # noqa: S105 - documented benchmark password
# Emails of the heavy members the benchmark signs in as (coproduce.load makes them).
PERSONAS = {
    "practitioner": "load-practitioner@example.org",
    "expert": "load-expert@example.org",
    "commissioner": "load-commissioner@example.org",
    "colead": "load-colead@example.org",
}


@dataclass
class Plan:
    """How big the data set is, the one random source that makes it, and the progress bar."""

    projects: int
    users: int
    seed: int
    show_progress: bool = True
    batch_size: int = 2000
    rng: random.Random = field(init=False)
    # Every date is worked out back (and a little forward) from this moment.
    now: datetime = field(default_factory=lambda: timezone.now().replace(microsecond=0))

    def __post_init__(self) -> None:
        # Benchmark data, not secrets: a seeded generator is the point.
        self.rng = random.Random(self.seed)  # noqa: S311

    def progress(self, items: Sequence[T], what: str) -> Iterator[T]:
        """Iterate over `items` with a progress bar on stderr (none at verbosity 0)."""
        return iter(
            tqdm(items, desc=what, unit="", file=sys.stderr, disable=not self.show_progress)
        )

    def save(self, model: type[M], rows: Iterable[M], what: str = "") -> list[M]:
        """Insert `rows` in batches (primary keys set on the objects), with a progress bar."""
        rows = list(rows)
        bar = tqdm(
            total=len(rows),
            desc=what or str(model._meta.verbose_name_plural),
            unit=" rows",
            file=sys.stderr,
            disable=not self.show_progress,
        )
        with bar:
            for start in range(0, len(rows), self.batch_size):
                batch = rows[start : start + self.batch_size]
                model._default_manager.bulk_create(batch)
                bar.update(len(batch))
        return rows

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def between(self, start: datetime, end: datetime) -> datetime:
        """A moment between `start` and `end`, to the second (`start` if they are the wrong
        way round)."""
        seconds = int((end - start).total_seconds())
        return start + timedelta(seconds=self.rng.randint(0, max(seconds, 0)))

    def share(self, count: int, fraction: float, *, least: int = 1) -> int:
        """`fraction` of `count`, rounded, and at least `least` (when there are that many)."""
        return min(count, max(least, round(count * fraction)))

    def pick(self, options: Sequence[tuple[T, float]]) -> T:
        """One of `options` (value, weight)."""
        values = [value for value, _weight in options]
        weights = [weight for _value, weight in options]
        return self.rng.choices(values, weights=weights)[0]
