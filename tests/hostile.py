"""What the hostile-input tests (tests/test_hostile_input.py) send and how they judge the answer.

- `forms_on(html, action)`: the fields of the POST form on a page that sends to `action`, read
  from the page itself, so a field added to a form is attacked without a change here.
- `hostile_post(fields, valid)`: a hypothesis strategy for one POST body: the valid values,
  with some fields missing, repeated, or replaced by a hostile value, and fields the form
  does not have. It says whether the body is certainly invalid (a required field missing, or
  text where a number, date or choice goes).
- `encoded(pairs)`: the urlencoded bytes a browser would send, including bytes that are not
  UTF-8 (a lone surrogate is sent as the bytes a careless client produces).
- `snapshot()`: every row of every table, to compare before and after a POST.
- `post_views()`: every named URL whose view accepts POST.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote_from_bytes

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, encode_multipart
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import strategies as st

# --- Reading a form from its page -------------------------------------------------------------

TEXT_KINDS = {"text", "textarea", "email", "tel", "url", "search", "password", "hidden"}
TYPED_KINDS = {"number", "date", "time", "datetime-local"}
CHOSEN_KINDS = {"select", "radio"}


@dataclass
class Field:
    name: str
    kind: str  # an input's type, or "select", "textarea" or "button"
    required: bool = False
    options: list[str] = field(default_factory=list)  # for select, radio and checkbox
    default: list[str] = field(default_factory=list)  # what the page sends as it is


@dataclass
class _Form:
    action: str
    fields: dict[str, Field] = field(default_factory=dict)


class _FormReader(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[_Form] = []
        self._form: _Form | None = None
        self._select: Field | None = None
        self._option: str | None = None
        self._textarea: Field | None = None

    def _field(self, name: str, kind: str, required: bool) -> Field:
        assert self._form is not None
        known = self._form.fields.setdefault(name, Field(name, kind))
        known.required = known.required or required
        return known

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = _Form(a.get("action") or self.page)
                self.forms.append(self._form)
            return
        if self._form is None or not a.get("name") or "disabled" in a:
            if tag == "option" and self._select is not None:
                self._option_tag(a)
            return
        name, required = a["name"], "required" in a
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                return
            known = self._field(name, kind, required)
            if kind in {"checkbox", "radio"}:
                known.options.append(a.get("value", "on"))
                if "checked" in a:
                    known.default.append(a.get("value", "on"))
            elif kind != "file":
                known.default = [a.get("value", "")]
        elif tag == "select":
            self._select = self._field(name, "select", required)
        elif tag == "textarea":
            self._textarea = self._field(name, "textarea", required)
            self._textarea.default = [""]
        elif tag == "button" and a.get("value"):
            # A named button (bulk invite's "check" and "send"): the view reads which was
            # pressed; it is not a field of the form.
            self._field(name, "button", False).options.append(a["value"])

    def _option_tag(self, a: dict[str, str]) -> None:
        assert self._select is not None
        self._option = a.get("value")
        if self._option is not None:
            self._select.options.append(self._option)
            if "selected" in a:
                self._select.default = [self._option]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.default = [self._textarea.default[0] + data]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            if not self._select.default and self._select.options:
                self._select.default = [self._select.options[0]]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the line break that follows <textarea>.
            self._textarea.default = [self._textarea.default[0].removeprefix("\n")]
            self._textarea = None


def forms_on(html: str, *, page: str, action: str) -> dict[str, Field]:
    """The fields of every POST form on the page that sends to `action` (merged)."""
    reader = _FormReader(page)
    reader.feed(html)
    fields: dict[str, Field] = {}
    for form in reader.forms:
        if form.action.split("?")[0] == action:
            fields.update(form.fields)
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def defaults(fields: dict[str, Field]) -> dict[str, list[str]]:
    """What the form sends when nothing on it is changed, with the first choice made in each
    list or group of options where none is chosen yet."""
    sent = {}
    for name, f in fields.items():
        chosen = [option for option in f.options if option]
        if f.kind in CHOSEN_KINDS and not any(f.default) and chosen:
            sent[name] = chosen[:1]
        elif f.default:
            sent[name] = list(f.default)
    return sent


# --- Hostile values ---------------------------------------------------------------------------

LONG = ["x" * 5_000, "Housing First " * 2_000, "é" * 20_000, "😀" * 3_000]
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ request.user.password }}{% debug %}",
    "<!--",
    "]]><![CDATA[",
]
SQL = [
    "' OR '1'='1",
    "'; DROP TABLE projects_project; --",
    "1 UNION SELECT password FROM coproduce_user --",
    '" OR ""="',
    "%",
    "\\",
]
BAD_UNICODE = [
    "\ud800",  # a lone surrogate: sent as bytes that are not UTF-8
    "ok\udfffok",
    "\x00",
    "Housing\x00First",
    "\u202eevil.exe",  # right-to-left override
    "\u200b",  # zero-width space alone
    "\u200b\u200c\u200d\ufeff",
    "\ufffe\uffff",
    "a\u0301\u0301\u0301\u0301\u0301\u0301",
    "\U0010ffff",
]
CONTROL = ["\x07\x08\x1b[31m", "line\nbreak", "\r\nBcc: everyone@example.org", "\t", "\x7f", " "]
NOT_A_NUMBER = [
    "ten",
    "-1",
    "-999999999999",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "Infinity",
    "0x10",
    "1,5",
    "١٢",  # Arabic-Indic digits
    "",
]
# Never a date in any form the site reads (it reads en-GB dates, so 31/12/2026 is one).
NOT_A_DATE = ["2026-02-30", "31/02/2026", "0000-00-00", "9999-99-99", "25:61", "tomorrow", "-1"]
NOT_A_CHOICE = ["-1", "0", "999999999", "1 OR 1=1", "approve ", "APPROVE", "None", "[]"]
# Files for a receipt or a list of people to invite: markup in a PDF, a PNG that is only a
# header, a path for a name, formulas and bytes that are not UTF-8 in a CSV, nothing, too much.
FILES = [
    ("receipt.pdf", b"%PDF-1.4\n<script>alert(1)</script>"),
    ("receipt.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    ("../../etc/passwd", b"root:x:0:0:root:/root:/bin/sh"),
    ("name\u202egpj.pdf", b"%PDF-1.4"),
    ("people.csv", b'Sam,sam@example.org,,practitioner\n=HYPERLINK("http://x"),a@b.org,,x\n'),
    ("people.csv", b"\xff\xfe\x00\x00Sam,\xed\xa0\x80@example.org"),
    ("empty.csv", b""),
    ("big.csv", b"Sam,sam@example.org,,practitioner\n" * 200_000),
]
EXTRA_NAMES = ["is_staff", "is_superuser", "project", "user", "voter", "id", "pk", "status"]

HOSTILE = LONG + MARKUP + SQL + BAD_UNICODE + CONTROL
# Values that are wrong for every field of a kind, whatever else is sent.
WRONG_FOR = {
    "number": [v for v in NOT_A_NUMBER if v and not v.lstrip("-").isdigit()],
    "date": NOT_A_DATE,
    "time": NOT_A_DATE[1:],
    "select": NOT_A_CHOICE,
    "radio": NOT_A_CHOICE,
}


@dataclass(frozen=True)
class Post:
    pairs: list[tuple[str, str]]
    certainly_invalid: bool
    why: str
    files: tuple[tuple[str, str, bytes], ...] = ()  # (field, file name, content)

    def body(self) -> tuple[bytes, str]:
        """The body and its content type: urlencoded, or multipart when files go with it."""
        if not self.files:
            return encoded(self.pairs), "application/x-www-form-urlencoded"
        data: dict[str, list[Any]] = {}
        for name, value in self.pairs:
            # multipart is built from text: bytes that are not UTF-8 go urlencoded only.
            text = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
            data.setdefault(name, []).append(text)
        for name, file_name, content in self.files:
            data.setdefault(name, []).append(SimpleUploadedFile(file_name, content))
        # Built here so the bytes can be signed; the test client passes bytes through.
        return encode_multipart(BOUNDARY, data), f"multipart/form-data; boundary={BOUNDARY}"


def _wrong(f: Field) -> tuple[st.SearchStrategy[str], bool]:
    """A strategy for a value that does not belong in `f`, and whether it is sure to be refused
    (a hostile string can be a fine comment, but never a number, a date or a choice)."""
    kind = "time" if f.kind == "datetime-local" else f.kind
    sure = [v for v in WRONG_FOR.get(kind, []) if v not in f.options]
    if sure:
        return st.sampled_from(sure + [v for v in HOSTILE if v not in f.options]), True
    return st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40)), False


@st.composite
def hostile_post(
    draw: st.DrawFn,
    fields: dict[str, Field],
    valid: dict[str, list[str]],
    unused: frozenset[str] = frozenset(),
) -> Post:
    """The valid POST with some fields missing, repeated or replaced by hostile values, and
    perhaps fields the form does not have. `unused`: fields the form ignores for the valid
    post (those of another kind of record), where a wrong value may be passed over."""
    names = sorted(set(fields) | set(valid))
    sent = {name: list(valid.get(name, [])) for name in names}
    why: list[str] = []
    sure = False
    targets = draw(st.lists(st.sampled_from(names), max_size=3, unique=True)) if names else []
    for name in targets:
        f = fields.get(name, Field(name, "text"))
        how = draw(st.sampled_from(["missing", "hostile", "repeated"]))
        if how == "missing":
            sent[name] = []
            sure = sure or (
                f.required and f.kind not in {"checkbox", "radio", "select"} and name not in unused
            )
            why.append(f"{name} missing")
            continue
        strategy, refused = _wrong(f)
        value = draw(strategy)
        if how == "repeated":
            sent[name] = [*sent[name][:1], value]
        else:
            sent[name] = [value]
            sure = sure or (refused and name not in unused)
        why.append(f"{name}={value[:40]!r} ({how})")
    for extra in draw(st.lists(st.sampled_from(EXTRA_NAMES), max_size=2, unique=True)):
        if extra not in sent:
            sent[extra] = [draw(st.sampled_from(["1", "true", "-1", *HOSTILE[:4]]))]
            why.append(f"extra {extra}")
    files = []
    for name in sorted(name for name, f in fields.items() if f.kind == "file"):
        if draw(st.booleans()):
            file_name, content = draw(st.sampled_from(FILES))
            files.append((name, file_name, content))
            why.append(f"{name}=file {file_name!r}")
    pairs = [(name, value) for name, values in sent.items() for value in values]
    return Post(pairs, sure, "; ".join(why) or "the valid post", tuple(files))


def encoded(pairs: list[tuple[str, str]]) -> bytes:
    """urlencoded as a browser sends it; a lone surrogate becomes the bytes that are not UTF-8."""
    return b"&".join(
        quote_from_bytes(key.encode("utf-8", "surrogatepass")).encode()
        + b"="
        + quote_from_bytes(value.encode("utf-8", "surrogatepass")).encode()
        for key, value in pairs
    )


# --- What changed -----------------------------------------------------------------------------


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table except sessions (signing in and messages live there)."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model is not Session
    }


def changes(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> list[str]:
    """The tables whose rows differ, with their counts."""
    return [
        f"{label}: {len(rows)} -> {len(after[label])} rows"
        for label, rows in before.items()
        if rows != after[label]
    ]


def counts(state: dict[str, list[Any]]) -> dict[str, int]:
    return {label: len(rows) for label, rows in state.items()}


# --- Which views take POST --------------------------------------------------------------------

MARKS_OF_POST = ('"POST"', "post_only", "require_POST")


def _innermost(view: Any) -> Any:
    """The function under every decorator (allauth's decorators keep it only in a closure)."""
    while True:
        inner = getattr(view, "__wrapped__", None)
        if inner is None:
            cells = [c.cell_contents for c in (getattr(view, "__closure__", None) or ())]
            inner = next((c for c in cells if inspect.isfunction(c)), None)
        if inner is None:
            return view
        view = inner


def _accepts_post(view: Any) -> bool:
    cls = getattr(view, "view_class", None)
    if cls is not None:
        return hasattr(cls, "post")
    source = inspect.getsource(_innermost(view))
    return any(mark in source for mark in MARKS_OF_POST)


def _named(entries: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in entries:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named(list(entry.url_patterns), inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def post_views() -> set[str]:
    """Every named URL (outside Django's admin) whose view accepts POST."""
    return {
        name
        for name, pattern in _named(get_resolver().url_patterns)
        if not name.startswith("admin:") and _accepts_post(pattern.callback)
    }
