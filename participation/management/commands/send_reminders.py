"""python manage.py send_reminders: run one reminder sweep now and print what it sent.

The same sweep beat runs every five minutes; running it again sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from participation.services import outbox, reminders


class Command(BaseCommand):
    help = (
        "Send the reminders that are due now (voting closing, unanswered invitations, sign-offs)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        queued = reminders.queue_due_reminders()
        deliveries = outbox.deliver_many(message.pk for message in queued)
        sent = [d for d in deliveries if d.outcome == outbox.Outcome.SENT]
        for delivery in sent:
            self.stdout.write(f"Sent {delivery.summary}")
        failed = [
            d for d in deliveries if d.outcome in (outbox.Outcome.RETRY, outbox.Outcome.FAILED)
        ]
        for delivery in failed:
            self.stderr.write(f"Could not send message {delivery.message_id}; it will be retried.")
        self.stdout.write(f"{len(sent)} reminder(s) sent.")
