"""The API's view of what members do together: activities and who took part, by group."""
