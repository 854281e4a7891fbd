"""python manage.py purge_expired [--dry-run]: remove personal data past its retention period.

The same purge beat runs nightly (participation.services.retention); running it again removes
nothing more. With --dry-run it only counts what would go.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from participation.services import retention


class Command(BaseCommand):
    help = (
        "Blank the addresses and words of old messages, delete long-expired invitations and "
        "clear dead invitation links, as the RETENTION_* settings say."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would go; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run: bool = options["dry_run"]
        purged = retention.purge_expired(dry_run=dry_run)
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"Messages whose address and error text {verb} blanked: {purged.message_details}\n"
            f"Texts received whose words {verb} blanked: {purged.text_words}\n"
            f"Expired or withdrawn invitations that {verb} deleted: {purged.invitations}\n"
            f"Invitation links that {verb} cleared: {purged.invitation_links}"
        )
