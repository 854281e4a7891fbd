"""An email backend for fault tests: the file backend behind a slow mail server.

The first message a folder sees waits SLOW_MAIL_SECONDS before it is handed over, and leaves
a `sending` file for as long as it waits, so a test knows when to kill the worker in the
middle of a send. Later sends go straight through.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        marker = Path(settings.EMAIL_FILE_PATH) / "sending"
        if not marker.with_suffix(".done").exists():
            marker.write_text(str(os.getpid()))
            marker.with_suffix(".done").touch()
            time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "30")))
        return super().send_messages(email_messages)
