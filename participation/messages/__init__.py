"""Messages to members, by email and text.

- `compose`: what each kind of message says, built from the database when it is sent.
- `render`: how an outbox row becomes an email or a text message (address, footer, wanted?).
- `webhooks`: what a webhook delivery says (facts taken when the event happened), and its
  signature; `http_post`: the request, and which addresses a webhook may reach.
"""
