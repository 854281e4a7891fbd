"""Pages of API results: a cursor, so a page never repeats or skips a row when rows are added
while a client pages through, in a stable order each list names."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class StablePages(CursorPagination):
    """`?cursor=` pages of `page_size` (`?page_size=` up to `max_page_size`), ordered by each
    view's `ordering`, which ends with a unique field so the order never ties."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "pk"
