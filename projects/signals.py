"""Signals sent from inside the project and gate services' transactions.

Later apps (notifications in `participation`) connect to them and write their outbox rows in
the same transaction as the change, without this app importing them. `stopped_voting` lets the
gate services notice a member leaving mid-vote without the membership services importing them;
`member_joined` lets invitations to a new member's addresses close, however they joined.
"""

from django.dispatch import Signal

gate_opened = Signal()  # gate=, actor= (who opened voting)
gate_closed = Signal()  # gate=
signoff_requested = Signal()  # gate=
signoff_recorded = Signal()  # gate=, signoff= (signoff.commissioner is who signed off)
stopped_voting = Signal()  # membership=: left, was removed, or moved to a role that does not vote
stage_changed = Signal()  # project=, from_stage=, to_stage= (Stage values): a stage ended
member_joined = Signal()  # membership=: joined, or came back after leaving
objection_answered = Signal()  # objection= (a Vote), response=: recorded or changed
