"""The API's view of the evaluation: a project's indicators and its tokenism flags."""
