"""The built-in questionnaires, loaded again where a database has lost them.

Migration `0002_built_in_instruments` loads them once. A test that empties every table (a
browser test on a live server does) or a demo database an operator has emptied would be left
without them; `ensure_built_in` puts them back from the same texts, so they are never written
twice.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps

from .models import Instrument

_MIGRATION = "evaluation.migrations.0002_built_in_instruments"


def built_in_keys() -> list[str]:
    """The keys of the built-in questionnaires, e.g. `["stage-check", "impact"]`."""
    return [spec["key"] for spec in import_module(_MIGRATION).INSTRUMENTS]


def ensure_built_in() -> bool:
    """Load any built-in questionnaire that is missing. Returns True when one was loaded.

    Costs one query when all are present; an organisation's edits to a built-in questionnaire
    that is present are kept."""
    keys = built_in_keys()
    missing = set(keys) - set(Instrument.objects.filter(key__in=keys).values_list("key", flat=True))
    if not missing:
        return False
    import_module(_MIGRATION).load(apps, None, only=missing)
    return True
