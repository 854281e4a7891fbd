"""`python manage.py verify_log [project-slug]`: check every project's hash chain, or one.

Prints one line per project in plain English; exits 1 if any record does not check out, so a
cron job or CI can alert on it. Each check is also stored for the pages (see
`projects.services.record`).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projects.models import Project
from projects.services.record import check_record, describe


class Command(BaseCommand):
    help = "Check that each project's event log is whole: no entry changed, moved or removed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("project", nargs="?", help="the slug of one project (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        projects = Project.objects.order_by("pk")
        if options["project"]:
            projects = projects.filter(slug=options["project"])
            if not projects.exists():
                raise CommandError(f"There is no project called {options['project']!r}.")
        faulty, entries, count = 0, 0, 0
        for project in projects.iterator():
            check = check_record(project=project)
            count += 1
            entries += check.entries
            line = f"{project.slug}: {describe(check)}"
            if check.sound:
                self.stdout.write(line)
            else:
                faulty += 1
                self.stdout.write(self.style.ERROR(line))
        if faulty:
            raise CommandError(
                f"{faulty} of {count} project records do not check out (see above).",
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"All is well: {count:,} project records, {entries:,} entries, all check out."
            )
        )
