"""Routes for evaluation; coproduce/urls.py includes each module.

- `surveys`: answering a questionnaire (namespace "surveys"), under /projects/.
- `reports`: a project's evaluation report, its downloads, the team's summary and peer
  research findings (namespace "reports"), under /projects/.
- `portfolio`: a commissioner's projects side by side (namespace "portfolio"), at /portfolio/.
"""
