"""Routes for participation; coproduce/urls.py includes each module.

- `invitations`: invitations and notification choices, at the site root (namespace
  "participation").
- `contributions`: a project's ideas and comments, under /projects/ (namespace "contributions").
- `payments`: payment policy, expenses and the finance export, under /projects/ (namespace
  "payments").
"""
