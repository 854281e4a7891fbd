"""Forms for project pages. They check input; services make changes.

- `projects`: starting a project, its settings, and a member's role or co-lead status.
- `gates`: proposing a decision, opening it, voting, signing off, answering an objection.
- `responses`: the response form that objections and contributions share.
"""
