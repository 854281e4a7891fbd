"""Helpers shared by the invitation and notification tests (plain functions, not fixtures)."""

from __future__ import annotations

import re
from typing import Any

from coproduce.sms import LocmemBackend, TextMessage

LINK = re.compile(r"https?://[^\s\"<>]+/invitations/([A-Za-z0-9_\-]+)/")


def use_locmem_sms(settings: Any) -> list[TextMessage]:
    """Send text messages to a list the test can read, emptied first."""
    settings.SMS_BACKEND = "coproduce.sms.LocmemBackend"
    LocmemBackend.outbox.clear()
    return LocmemBackend.outbox


def invitation_path(text: str) -> str:
    """The path of the invitation link in a message body."""
    match = LINK.search(text)
    assert match, f"no invitation link in: {text}"
    return f"/invitations/{match.group(1)}/"


def token_in(text: str) -> str:
    match = LINK.search(text)
    assert match, f"no invitation link in: {text}"
    return match.group(1)
