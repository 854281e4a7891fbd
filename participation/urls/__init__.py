"""Routes for participation; coproduce/urls.py includes each module.

- `invitations`: invitations and notification choices, at the site root (namespace
  "participation").
- `access`: each member's access needs, and the co-leads' summary per project (namespace
  "access").
- `consent`: each person's consent page (namespace "consent").
- `contributions`: a project's ideas and comments, under /projects/ (namespace "contributions").
- `activities`: a project's activities and attendance, under /projects/ (namespace "activities").
- `texts`: the SMS provider's webhook for texts members send in (namespace "texts").
- `assistance`: recording a vote, an idea or a reply with help, under /projects/ (namespace
  "assistance").
- `payments`: payment policy, expenses and the finance export, under /projects/ (namespace
  "payments").
- `text_inbox`: the co-leads' list of texts the service could not act on, under /projects/
  (namespace "text_inbox").
- `webhooks`: a project's webhooks and their delivery logs, for co-leads, under /projects/
  (namespace "webhooks").
"""
