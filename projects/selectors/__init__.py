"""Reads for the project pages; nothing here changes the database.

- `projects`: the dashboard, members by group, the stage timeline, the history.
- `gates`: what members and a commissioner read about a decision: outcomes, the evidence pack.
"""
