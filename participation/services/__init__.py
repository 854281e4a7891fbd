"""Every write in participation: keyword-only, typed, atomic.

- `invitations`: invite, resend, withdraw, accept.
- `bulk`: check and send a co-lead's CSV of invitations, row by row.
- `outbox`: queue messages with the change that causes them, send them after commit, retry.
- `notify`: who gets a message about a change, and by which channels.
- `reminders`: the sweep that queues due reminders.
- `preferences`: each member's channel and topics, and one-click unsubscribe.
- `joining`: joining a project through an invitation link.
- `contributions`: ideas and comments, and a co-lead's response to one.
- `retention`: purge old addresses, words of texts, expired invitations and dead links.
- `webhooks`: co-leads' webhooks, and the events queued for them with the change.
"""
