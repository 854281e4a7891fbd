from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from coproduce.demo import DEMO_PASSWORD, DEMO_PEOPLE


class Command(BaseCommand):
    help = "Create or refresh the demo accounts and projects. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--not-production",
            action="store_true",
            help="Run even though DEBUG is off (a test or staging site, never a real one).",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        # The demo accounts share a published password and one is site staff: on a real site
        # anyone could sign in as them.
        if not settings.DEBUG and not options["not_production"]:
            raise CommandError(
                "seed_demo creates accounts with a published password, so it only runs with "
                "DEBUG on. On a test or staging site, add --not-production."
            )
        # Each app seeds its own demo data, in INSTALLED_APPS order, and hands what it made to
        # the apps after it; so this base app never imports the apps that build on it.
        made: dict[str, Any] = {}
        for config in apps.get_app_configs():
            if not module_has_submodule(config.module, "demo"):
                continue
            result = import_module(f"{config.name}.demo").seed(**made)
            if config.label == "coproduce":
                made["people"] = result
            elif result is not None:
                made[config.label] = result
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for email, name, _staff in DEMO_PEOPLE:
            self.stdout.write(f"  {email:<28} {name}")
