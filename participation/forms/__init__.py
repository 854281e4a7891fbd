"""Forms for participation, one module per capability. They check input; services make changes.

- `invitations`: inviting one person or many from a CSV, and saying yes to an invitation.
- `joining`: joining from an invitation with a new account.
- `notifications`: each person's channel and topics.
- `contributions`: ideas and comments, and a co-lead's response.
"""
