"""The built-in questionnaires: loaded by migration, and loaded again when a database lost them."""

from __future__ import annotations

import pytest

from evaluation.instruments import built_in_keys, ensure_built_in
from evaluation.models import Instrument, Item

pytestmark = pytest.mark.django_db


def test_the_migration_loads_both_built_in_questionnaires(instruments: None) -> None:
    assert sorted(built_in_keys()) == ["impact", "stage-check"]
    assert set(Instrument.objects.values_list("key", flat=True)) >= set(built_in_keys())
    assert Item.objects.filter(instrument__key="stage-check").count() == 6
    assert Item.objects.filter(instrument__key="impact").count() == 5


def test_missing_questionnaires_are_loaded_again_and_present_ones_kept() -> None:
    ensure_built_in()
    Instrument.objects.filter(key="stage-check").update(name="Our own wording")
    Instrument.objects.filter(key="impact").delete()

    assert ensure_built_in() is True
    assert Instrument.objects.get(key="stage-check").name == "Our own wording"
    assert Instrument.objects.get(key="impact").items.count() == 5
    assert ensure_built_in() is False
