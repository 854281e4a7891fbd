"""Project pages.

- `projects`: the dashboard, a project's page, its members, settings and history.
- `gates`: stage gates: propose, open, vote, sign off, and answer objections.
"""
