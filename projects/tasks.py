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
