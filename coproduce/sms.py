"""Text messages through a small backend interface, chosen by the SMS_BACKEND setting.

A backend is any class with `send_messages(messages) -> int` that raises on failure (the
outbox then retries). Three ship here: the console backend (development), the file backend
(one file per message, for checking what was sent) and the in-memory backend (tests). A real
provider is a class of about twenty lines calling its HTTP API, named by dotted path in
SMS_BACKEND; see the README.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar, Protocol, TextIO

from django.conf import settings
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
