"""Reading ease of a page's own words: its help texts, hints, errors and intros.

A page's words are taken from inside <main>: paragraphs, list items, hints (`.helptext`),
legends (the questions a form asks), error messages and the error summary. Headings and labels
are names, not prose, and are left out. What members wrote (proposals, ideas, reasons) is not
the site's wording and is skipped: templates mark it with `class="user-text"`; email addresses
and web addresses are taken out of sentences. Tables of figures are skipped too, and so is a
form's `<select>` list.

Each piece counts as one sentence (a full stop is added where it has none), so a heading or a
hint is not glued onto the next one into one long "sentence".

The score is Flesch reading ease, computed by textstat (syllables from the CMU pronouncing
dictionary, then pyphen), on a 0 to 100 scale where 60 to 70 is "plain English" and higher
is easier.
Source: Flesch, R. (1948) "A new readability yardstick", J. Applied Psychology 32(3); the
threshold of 60 is the one issue 9 sets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

import textstat  # type: ignore[import-untyped]  # ships no type hints

PLAIN_ENGLISH = 60.0

# Elements whose text is the site's own wording.
_TEXT_TAGS = {"p", "li", "legend", "summary"}
# Elements whose content is never the site's prose.
_SKIP_TAGS = {"table", "select", "script", "style", "nav", "textarea", "pre", "code", "time"}
_ADDRESS = re.compile(r"\S+@\S+|https?://\S+")
_VOID = {"br", "hr", "img", "input", "link", "meta", "source", "wbr", "area", "col", "embed"}


class _Words(HTMLParser):
    def __init__(self, ignore: Iterable[str] = ()) -> None:
        super().__init__(convert_charrefs=True)
        self._ignore = sorted(ignore, key=len, reverse=True)
        self.pieces: list[str] = []
        self._stack: list[tuple[str, bool, bool]] = []  # (tag, skip, collects)
        self._in_main = 0
        self._buffer: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip, _c in self._stack)

    def _collecting(self) -> bool:
        return any(collects for _tag, _s, collects in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag == "br":
                self._buffer.append(" ")
            return
        classes = (dict(attrs).get("class") or "").split()
        if tag == "main":
            self._in_main += 1
        skip = tag in _SKIP_TAGS or "user-text" in classes or "visually-hidden" in classes
        collects = tag in _TEXT_TAGS or "helptext" in classes
        if collects and self._collecting():
            self._flush()  # a list inside a paragraph-like element: each reads on its own
        self._stack.append((tag, skip, collects))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        while self._stack:
            open_tag, _skip, collects = self._stack.pop()
            if collects:
                self._flush()
            if open_tag == tag:
                break
        if tag == "main":
            self._in_main -= 1

    def handle_data(self, data: str) -> None:
        if self._in_main and self._collecting() and not self._skipping():
            self._buffer.append(data)

    def _flush(self) -> None:
        text = _ADDRESS.sub("", "".join(self._buffer))
        for words in self._ignore:
            text = text.replace(words, "")
        text = re.sub(r"\s+", " ", text).strip()
        text = re.sub(r"\s+([.,:;?!])", r"\1", text)
        self._buffer = []
        if len(text.split()) >= 2:  # a lone word ("Status", "Closed") is not prose
            self.pieces.append(text if text[-1] in ".!?:" else text + ".")


@dataclass(frozen=True)
class Reading:
    """The page's own words as sentences, and their Flesch reading ease (0 to 100, higher is
    easier; can go below 0 for very hard text)."""

    sentences: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)

    @property
    def ease(self) -> float:
        return float(textstat.flesch_reading_ease(self.text)) if self.sentences else 100.0

    def hardest(self, count: int = 5) -> list[tuple[float, str]]:
        """The `count` sentences with the lowest reading ease, hardest first."""
        scored = [(float(textstat.flesch_reading_ease(s)), s) for s in set(self.sentences)]
        return sorted(scored)[:count]


def reading_of(html: str, ignore: Iterable[str] = ()) -> Reading:
    """The site's own words on a rendered page (see the module docstring for what counts).
    `ignore`: words members chose that appear inside the site's sentences (people's names,
    project titles), taken out before measuring."""
    parser = _Words(ignore)
    parser.feed(html)
    parser.close()
    return Reading(tuple(parser.pieces))
