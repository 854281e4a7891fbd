"""A webhook receiver for tests: a real HTTP server on 127.0.0.1, in a thread, that records
every request and answers with the statuses a test scripts (200 once the script runs out).

It checks signatures with the code the README gives receivers (`readme_check`), taken from the
README itself, so that a change to the signing that the README does not follow fails a test.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parent.parent / "README.md"
# The README's receiver example follows this line, in a ```python block.
RECIPE_MARK = "<!-- receiver-signature-check -->"


def readme_check() -> Callable[[str, Any, bytes], bool]:
    """The README's `is_from_coproduce(secret, headers, body)`, run from the README's text."""
    text = README.read_text()
    after = text[text.index(RECIPE_MARK) :]
    match = re.search(r"```python\n(.*?)```", after, re.DOTALL)
    assert match, "the README has no Python block after its receiver mark"
    namespace: dict[str, Any] = {}
    exec(compile(match.group(1), "README.md", "exec"), namespace)  # noqa: S102 - our own README
    check: Callable[[str, Any, bytes], bool] = namespace["is_from_coproduce"]
    return check


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answers still to give, in order
    delay: float = 0.0  # seconds to wait before answering

    def answer(self) -> int:
        return self.statuses.pop(0) if self.statuses else 200


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            if receiver.delay:
                time.sleep(receiver.delay)
            status = receiver.answer()
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", "/somewhere-else")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def running_receiver(settings: Any) -> Iterator[Receiver]:
    """A running receiver; webhooks may reach 127.0.0.1 over http:// while it runs
    (`settings`: pytest-django's fixture)."""
    settings.WEBHOOKS_ALLOW_LOCAL = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 5
    holder = Receiver(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(holder))
    holder.url = f"http://127.0.0.1:{server.server_port}/coproduce/events?team=7"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
