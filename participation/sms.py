"""The text message backends now live in `coproduce.sms`, where signing in by phone can reach
them too; these names stay so that SMS_BACKEND settings naming `participation.sms.*` work."""

from coproduce.sms import (
    ConsoleBackend,
    FileBackend,
    LocmemBackend,
    SmsBackend,
    TextMessage,
    get_backend,
    send_text,
)

__all__ = [
    "ConsoleBackend",
    "FileBackend",
    "LocmemBackend",
    "SmsBackend",
    "TextMessage",
    "get_backend",
    "send_text",
]
