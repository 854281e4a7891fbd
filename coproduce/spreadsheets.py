"""Cells of a CSV file that people open in a spreadsheet."""

from __future__ import annotations

from typing import TypeVar

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

V = TypeVar("V")


def as_text(value: V) -> V | str:
    """`value`, but a text a spreadsheet would run as a formula is written as text (a leading
    apostrophe), so an exported name or note can never run anything. Anything that is not
    text, and empty text, is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value
