"""The API's view of projects: the door into a project, projects, members, decisions and the
event log (`coproduce.api` holds the tokens, paging and the schema)."""
