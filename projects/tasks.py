"""Periodic work for gates. Due times live in the database; beat sweeps them every minute."""

from celery import shared_task

from .services.closing import close_due_gates


@shared_task
def close_due_gates_task() -> list[int]:
    """Close every gate whose voting window has ended.

    Runs every minute from beat, so a gate closes at most about a minute after its deadline.
    Each gate is locked and re-checked before closing, so overlapping runs or a redelivered
    message close nothing twice.
    """
    return close_due_gates()


@shared_task
def check_records() -> int:
    """Check every project's hash chain and store the results for the pages; returns how many
    records do not check out.

    Runs every hour from beat, so the evidence pack and the report say "last checked" within
    the hour. Each check replaces the project's last one, so overlapping runs or a redelivered
    message do no harm.
    """
    from .models import Project
    from .services.record import check_record

    return sum(
        not check_record(project=project).sound for project in Project.objects.order_by("pk")
    )
