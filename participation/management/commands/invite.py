"""python manage.py invite PROJECT_SLUG EMAIL --role ROLE: invite someone from the command line.

The same rules as the co-lead page: running it again for the same person renews and resends
their invitation; it never makes a second one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coproduce.dates import day
from coproduce.models import User
from participation.services.invitations import InvitationError, SendKind, invite
from projects.models import Project, Role


class Command(BaseCommand):
    help = "Invite someone to a project by email (and optionally by text message)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "project", metavar="PROJECT_SLUG", help="The project's web address name."
        )
        parser.add_argument("email", metavar="EMAIL", help="Their email address.")
        parser.add_argument("--role", required=True, choices=Role.values, help="Their role.")
        parser.add_argument(
            "--phone", default="", help="Their mobile number, to text the link too."
        )
        parser.add_argument("--name", default="", help="Their name, to greet them.")
        parser.add_argument("--message", default="", help="A personal message.")
        parser.add_argument(
            "--inviter",
            default="",
            metavar="EMAIL",
            help="The member to name as the inviter (default: none, shown as an administrator).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"There is no project called {options['project']!r}.")
        inviter = None
        if options["inviter"]:
            inviter = User.objects.filter(email__iexact=options["inviter"]).first()
            if inviter is None:
                raise CommandError(f"There is no account with the email {options['inviter']!r}.")
        try:
            sent = invite(
                project=project,
                role=options["role"],
                inviter=inviter,
                email=options["email"],
                phone=options["phone"],
                name=options["name"],
                message=options["message"],
            )
        except InvitationError as error:
            raise CommandError(str(error)) from None
        invitation = sent.invitation
        what = {
            SendKind.INVITED: "Invited",
            SendKind.RESENT: "Sent the invitation again, with the same link, to",
            SendKind.RENEWED: "Sent the invitation again, with a new link, to",
            SendKind.UNCHANGED: "Not sent again (it went less than a minute ago) to",
        }[sent.kind]
        self.stdout.write(
            f"{what} {invitation.contact} to {project} as {invitation.role_enum.label}; "
            f"the link works until {day(invitation.expires_at)}."
        )
