"""Participation pages, one module per capability.

- `invitations`: co-leads invite people, one by one or from a CSV, and see every invitation.
- `accept`: the public page an invitation link opens.
- `join`: joining from an invitation with a new account.
- `notifications`: each person's choices, and the one-click unsubscribe.
- `contributions`: a project's ideas and comments, and a co-lead's response.
- `text_inbox`: the texts from members that the service could not act on, for co-leads.
"""
