"""Signals sent from inside the gate services' transactions.

Later apps (notifications in `participation`) connect to them and write their outbox rows in
the same transaction as the change, without this app importing them.
"""

from django.dispatch import Signal

gate_opened = Signal()  # gate=
gate_closed = Signal()  # gate=
signoff_requested = Signal()  # gate=
signoff_recorded = Signal()  # gate=, signoff=
