"""Site-wide housekeeping tasks."""

from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_expired_sessions() -> None:
    """Delete expired sessions nightly; safe to run any number of times."""
    call_command("clearsessions")


@shared_task(ignore_result=False)
def ping(value: str) -> str:
    """Echo a value back: lets an operator (and CI) prove a worker consumes the queue."""
    return value
