"""A string is looked up in the catalogs that hold messages, and translates as before."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import trans_real

from coproduce.catalogs import drop_empty_fallbacks

# Django's own cache of one translation per language, as `trans_real.translation` fills it.
CACHE: dict[str, Any] = trans_real._translations  # type: ignore[attr-defined]


def _chain(translation: Any) -> list[Any]:
    found = []
    catalog = translation._fallback
    while catalog is not None:
        found.append(catalog)
        catalog = catalog._fallback
    return found


def _own_messages(catalog: Any) -> set[str]:
    inner = getattr(catalog, "_catalog", None) or {}
    # Django's merged catalog has keys() but cannot be iterated.
    return {key for key in inner.keys() if isinstance(key, str) and key}  # noqa: SIM118


def test_an_untranslated_string_is_looked_up_in_no_empty_catalog():
    # The site's language had five header-only English catalogs chained behind it.
    translation = trans_real.translation(settings.LANGUAGE_CODE)
    assert all(_own_messages(catalog) for catalog in _chain(translation))


def test_dropping_the_empty_catalogs_changes_no_translation():
    untouched = trans_real.DjangoTranslation(settings.LANGUAGE_CODE)
    chained = len(_chain(untouched))
    messages = {"Not translated anywhere"}
    for catalog in [untouched, *_chain(untouched)]:
        messages |= _own_messages(catalog)
    before = {message: untouched.gettext(message) for message in messages}

    CACHE[settings.LANGUAGE_CODE] = untouched
    try:
        dropped = drop_empty_fallbacks(settings.LANGUAGE_CODE)
        assert dropped > 0  # the empty catalogs this guards against were there
        assert len(_chain(untouched)) == chained - dropped
        assert {message: untouched.gettext(message) for message in messages} == before
    finally:
        CACHE.pop(settings.LANGUAGE_CODE, None)
