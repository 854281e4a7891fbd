"""The read-only REST API's shared parts: personal tokens, how a request proves who sends it,
paging and rate limits, the schema and its documentation page. Each app serves its own
endpoints from its `api` package, behind `projects.api.base`'s door to a project."""
