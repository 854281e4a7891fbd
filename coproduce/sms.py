"""Text messages through a small backend interface, chosen by the SMS_BACKEND setting.

A backend is any class with `send_messages(messages) -> int` that raises on failure (the
outbox then retries). Three ship here: the console backend (development), the file backend
(one file per message, for checking what was sent) and the in-memory backend (tests). A real
provider is a class of about twenty lines calling its HTTP API, named by dotted path in
SMS_BACKEND; see the README.
"""

from __future__ import annotations

import hashlib
import hmac
import sys
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar, Protocol, TextIO

import gsm0338  # noqa: F401 - registers the "gsm03.38" codec
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


class SmsBackend(Protocol):
    def send_messages(self, messages: list[TextMessage]) -> int: ...


class ConsoleBackend:
    """Prints each text to standard output, like Django's console email backend."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send_messages(self, messages: list[TextMessage]) -> int:
        for message in messages:
            self.stream.write(f"Text message to {message.to}\n{message.body}\n{'-' * 40}\n")
        self.stream.flush()
        return len(messages)


class FileBackend:
    """Writes each text to its own file in SMS_FILE_PATH."""

    _lock = threading.Lock()
    _counter = 0

    def __init__(self, path: str | None = None) -> None:
        self.path = Path(path or settings.SMS_FILE_PATH)
        self.path.mkdir(parents=True, exist_ok=True)

    def send_messages(self, messages: list[TextMessage]) -> int:
        for message in messages:
            with FileBackend._lock:
                FileBackend._counter += 1
                name = f"{datetime.now():%Y%m%d-%H%M%S}-{id(self)}-{FileBackend._counter}.txt"
            (self.path / name).write_text(f"To: {message.to}\n\n{message.body}\n", "utf-8")
        return len(messages)


class LocmemBackend:
    """Keeps texts in `LocmemBackend.outbox`, for tests."""

    outbox: ClassVar[list[TextMessage]] = []

    def send_messages(self, messages: list[TextMessage]) -> int:
        LocmemBackend.outbox.extend(messages)
        return len(messages)


def get_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend


def send_text(*, to: str, body: str) -> None:
    get_backend().send_messages([TextMessage(to=to, body=body)])


# --- Texts members send in --------------------------------------------------------------------


@dataclass(frozen=True)
class InboundMessage:
    """One text as the provider delivered it: its own id, the sender's number, the words."""

    message_id: str
    sender: str
    body: str


class ForgedRequest(Exception):
    """The request does not carry the provider's valid signature; nothing in it is believed."""


class InboundBackend(Protocol):
    """Reads a provider's webhook request. `name` is stored with each text, so the same
    message id from two providers is two texts."""

    name: str

    def read(self, request: HttpRequest) -> InboundMessage:
        """The text in the request. Raises ForgedRequest when the signature is missing or
        wrong, and ValueError when a field is missing."""
        ...

    def acknowledge(self) -> HttpResponse:
        """What the provider expects back once the text is safely stored."""
        ...


def _field(request: HttpRequest, name: str) -> str:
    """A field of the provider's request, as text the database can keep: a NUL character (a
    gateway may send one for GSM's "@"; PostgreSQL refuses it in text and the request would
    fail) becomes U+FFFD, so the text is still stored and shown to co-leads."""
    value = request.POST.get(name)
    if value is None:
        raise ValueError(f"The request has no {name} field.")
    return value.replace("\x00", "\ufffd")


class FakeInbound:
    """The provider used in development and tests: a form POST with fields `id`, `from` and
    `body`, signed in the header X-Coproduce-Signature with the hex HMAC-SHA256 of the raw
    body under SMS_WEBHOOK_SECRET. `python manage.py fake_text` sends one."""

    name = "fake"
    header = "X-Coproduce-Signature"

    @staticmethod
    def sign(body: bytes, secret: str | None = None) -> str:
        key = (secret if secret is not None else settings.SMS_WEBHOOK_SECRET).encode()
        return hmac.new(key, body, hashlib.sha256).hexdigest()

    def read(self, request: HttpRequest) -> InboundMessage:
        given = request.headers.get(self.header, "")
        if not settings.SMS_WEBHOOK_SECRET or not hmac.compare_digest(
            given, self.sign(request.body)
        ):
            raise ForgedRequest("The signature is missing or wrong.")
        return InboundMessage(
            _field(request, "id"), _field(request, "from"), _field(request, "body")
        )

    def acknowledge(self) -> HttpResponse:
        return HttpResponse(status=204)


class TwilioBackend:
    """Sends texts through Twilio's Messages API from SMS_FROM, with the account in
    TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN. Raises TwilioException on failure, and the
    outbox tries again later."""

    def send_messages(self, messages: list[TextMessage]) -> int:
        from twilio.rest import Client

        client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)
        for message in messages:
            client.messages.create(to=message.to, from_=settings.SMS_FROM, body=message.body)
        return len(messages)


class TwilioInbound:
    """Twilio's incoming-message webhook: a form POST with MessageSid, From and Body, signed
    in X-Twilio-Signature over the public URL and the fields (Twilio's RequestValidator). The
    URL is rebuilt from SITE_URL, as Twilio saw it, not from what a proxy passed on."""

    name = "twilio"

    def read(self, request: HttpRequest) -> InboundMessage:
        from twilio.request_validator import RequestValidator

        validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
        url = f"{settings.SITE_URL}{request.get_full_path()}"
        signature = request.headers.get("X-Twilio-Signature", "")
        if not settings.TWILIO_AUTH_TOKEN or not validator.validate(url, request.POST, signature):
            raise ForgedRequest("The Twilio signature is missing or wrong.")
        return InboundMessage(
            _field(request, "MessageSid"), _field(request, "From"), _field(request, "Body")
        )

    def acknowledge(self) -> HttpResponse:
        # An empty TwiML answer: the reply goes out through the outbox, not in this response.
        return HttpResponse("<Response/>", content_type="text/xml")


def get_inbound_backend() -> InboundBackend:
    backend: InboundBackend = import_string(settings.SMS_INBOUND_BACKEND)()
    return backend


# --- Fitting words into texts -----------------------------------------------------------------

# A single text holds 160 GSM-7 characters (153 in each part of a longer one), or 70 (67)
# when any character is outside GSM 03.38 and the text goes as UCS-2. Source: 3GPP TS 23.038
# and 23.040, as summarised in Twilio's "What the heck is a segment?".
_GSM_PART, _UCS2_PART = 153, 67
# Typography that people paste but GSM-7 lacks: swapped for its plain form so that a curly
# quote does not halve what a text can hold.
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
    }
)


def plain_text(words: str) -> str:
    """`words` with typographic quotes, dashes and ellipses in their GSM-7 forms."""
    return words.translate(_PLAIN)


def _is_gsm(words: str) -> bool:
    try:
        words.encode("gsm03.38")
    except UnicodeEncodeError:
        return False
    return True


def text_length(words: str) -> int:
    """How many GSM-7 septets (or UTF-16 code units) `words` takes: the escaped GSM
    characters (€, [, ] and others) take two septets."""
    if _is_gsm(words):
        return len(words.encode("gsm03.38"))
    return len(words.encode("utf-16-le")) // 2  # UCS-2 code units: an emoji takes two


def _without_non_gsm(words: str) -> str:
    """`words` without the characters GSM-7 lacks, each with the space before it."""
    kept: list[str] = []
    for char in words:
        if _is_gsm(char):
            kept.append(char)
        elif kept and kept[-1] == " ":
            kept.pop()
    return " ".join("".join(kept).split())


def fit_texts(head: str, middle: str, tail: str, *, parts: int = 2) -> str:
    """`head`, `middle` and `tail` joined with spaces, `middle` shortened with "..." so the
    whole fits in `parts` concatenated texts. `head` and `tail` are never cut: they hold what
    to do. A character outside GSM-7 (an emoji, say) makes every part hold 67 characters
    rather than 153; when the whole does not fit as it is, such characters are left out of
    `middle` so that the member's words keep their room rather than being cut to nothing.
    Returns head and tail alone only when even an empty middle does not fit."""
    head, middle, tail = plain_text(head), plain_text(middle).strip(), plain_text(tail)
    whole = " ".join(p for p in (head, middle, tail) if p)
    limit = (_GSM_PART if _is_gsm(whole) else _UCS2_PART) * parts
    if text_length(whole) <= limit:
        return whole
    if not _is_gsm(middle) and _is_gsm(f"{head} {tail}"):
        kept = _without_non_gsm(middle)
        if kept:
            return fit_texts(head, kept, tail, parts=parts)
    room = limit - text_length(f"{head}  {tail}") - len("...")
    if room <= 0:
        return f"{head} {tail}"
    cut = middle
    while cut and text_length(cut) > room:
        cut = cut[: max(len(cut) - max(text_length(cut) - room, 1), 0)]
    cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return f"{head} {cut.rstrip(' ,.;:')}... {tail}"
