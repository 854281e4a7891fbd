"""Translation catalogs: one lookup per string, not six.

With LANGUAGE_CODE "en-gb", Python's gettext loads each app's `en_GB` catalog and chains its
`en` catalog behind it as a fallback; Django merges the `en_GB` ones into one catalog but
keeps every `en` one in the chain. Those `en` catalogs hold nothing but their header (English
is the language the strings are written in), yet a string the `en_GB` catalog does not hold
(nearly all of ours) is looked for in each of them in turn: 4.9 µs a lookup, ~75 ms of a
commissioner's portfolio at 86 projects. Dropping the empty ones changes no translation.
"""

from __future__ import annotations

from typing import Protocol, cast

from django.utils.translation import trans_real


class _Chained(Protocol):
    """A gettext catalog: looked up, then its fallback on a miss (`NullTranslations`)."""

    _fallback: _Chained | None


def _has_messages(catalog: _Chained) -> bool:
    # A compiled catalog always holds its header under the empty string.
    return any(key != "" for key in getattr(catalog, "_catalog", None) or {})


def drop_empty_fallbacks(language: str) -> int:
    """Unlink, from `language`'s translation, every fallback catalog that holds no message.

    Returns how many were dropped. Django keeps one translation per language per process
    (until a test changes the translation settings, when it is built again, complete, and
    only slower), so this is done once, when the site starts."""
    translation = cast(_Chained, trans_real.translation(language))
    chain = []
    fallback = translation._fallback
    while fallback is not None:
        chain.append(fallback)
        fallback = fallback._fallback
    kept = [catalog for catalog in chain if _has_messages(catalog)]
    for catalog, after in zip(kept, [*kept[1:], None], strict=False):
        catalog._fallback = after
    translation._fallback = kept[0] if kept else None
    return len(chain) - len(kept)
