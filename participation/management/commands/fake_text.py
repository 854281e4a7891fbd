"""Pretend a member sent a text, as the SMS provider would deliver it: for trying voting by
text reply in development, without a provider. Prints what the service did and answered."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coproduce.sms import InboundMessage
from participation.services.texts import receive_text


class Command(BaseCommand):
    help = 'Act on a text as if a member sent it, e.g. fake_text +447700900303 "YES 012".'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sender", help="The mobile number the text comes from.")
        parser.add_argument("body", help="The words of the text.")

    def handle(self, *args: Any, sender: str, body: str, **options: Any) -> None:
        message = InboundMessage(f"fake-{uuid.uuid4().hex}", sender, body)
        text = receive_text(provider="fake", message=message)
        self.stdout.write(f"{text.get_outcome_display()}\n{text.reply or '(no answer sent)'}")
