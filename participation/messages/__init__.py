"""Messages to members, by email and text.

- `compose`: what each kind of message says, built from the database when it is sent.
- `render`: how an outbox row becomes an email or a text message (address, footer, wanted?).
"""
