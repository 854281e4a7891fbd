"""Pages for invitations and notifications.

- `invitations`: co-leads invite people, one by one or from a CSV, and see every invitation.
- `accept`: the public page an invitation link opens.
- `notifications`: each person's choices, and the one-click unsubscribe.
"""
