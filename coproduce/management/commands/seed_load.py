import time
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils.module_loading import module_has_submodule

from coproduce.load import already_loaded
from coproduce.loading import LOAD_PASSWORD, PERSONAS, Plan


class Command(BaseCommand):
    help = (
        "Fill an empty database with a large, reproducible data set for performance "
        "benchmarks: many projects and members, decisions, votes, activities and surveys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--projects", type=int, default=1000, help="How many projects.")
        parser.add_argument("--users", type=int, default=10000, help="How many accounts.")
        parser.add_argument(
            "--seed", type=int, default=1, help="The same seed makes the same data."
        )
        parser.add_argument(
            "--not-production",
            action="store_true",
            help="Run even though DEBUG is off (a test or staging site, never a real one).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Every loaded account has the same published password: on a real site anyone could
        # sign in as them.
        if not settings.DEBUG and not options["not_production"]:
            raise CommandError(
                "seed_load creates accounts with a published password, so it only runs with "
                "DEBUG on. On a test or staging site, add --not-production."
            )
        if options["projects"] < 1 or options["users"] < 40:
            raise CommandError("Load at least 1 project and 40 users.")
        if already_loaded():
            raise CommandError(
                "This database already has the load accounts (load-1@example.org), so loading "
                "again would double the data. Use a fresh database: create a new one and "
                "migrate it, then run seed_load there."
            )
        plan = Plan(
            projects=options["projects"],
            users=options["users"],
            seed=options["seed"],
            show_progress=options["verbosity"] > 0,
        )
        started = time.monotonic()
        with transaction.atomic():
            self.load_every_app(plan)
        if connection.vendor == "postgresql":
            # The planner knows nothing of rows written in bulk until autovacuum gets round to
            # them: without fresh statistics, one query of the project page took 754 ms
            # instead of 3 ms.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Loaded in {seconds:.0f} seconds."))
        self.stdout.write(f"Accounts for the benchmark (password {LOAD_PASSWORD}):")
        for email in PERSONAS.values():
            self.stdout.write(f"  {email}")
        self.stdout.write("Rows made:")
        for config in apps.get_app_configs():
            if module_has_submodule(config.module, "load"):
                for model in config.get_models():
                    count = model._default_manager.count()
                    if count:
                        self.stdout.write(f"  {model._meta.label:<40} {count:>9}")

    def load_every_app(self, plan: Plan) -> dict[str, Any]:
        # Each app loads its own data, in INSTALLED_APPS order, and hands what it made to the
        # apps after it; so this base app never imports the apps that build on it.
        made: dict[str, Any] = {}
        for config in apps.get_app_configs():
            if not module_has_submodule(config.module, "load"):
                continue
            result = import_module(f"{config.name}.load").load(plan, **made)
            if config.label == "coproduce":
                made["people"] = result
            elif result is not None:
                made[config.label] = result
        return made
