"""Pages of API results: a cursor, so a page never repeats or skips a row when rows are added
while a client pages through, in a stable order each list names."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request


class UnknownCursor(exceptions.NotFound):
    """A `cursor` the API never gave: mistyped, cut short, or made up."""

    default_detail = _("This page link is not one the API gave. Start again from the first page.")


class StablePages(CursorPagination):
    """`?cursor=` pages of `page_size` (`?page_size=` up to `max_page_size`), ordered by each
    view's `ordering`, which ends with a unique field so the order never ties."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "pk"
    model: type[Model]

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        self.model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            raise UnknownCursor from None
        if cursor is not None and cursor.position is not None:
            # The position is a value of the first field of the order; one that field could
            # not hold would fail in the database query instead.
            name = self.ordering[0].lstrip("-")
            meta = self.model._meta
            field = meta.pk if name == "pk" else meta.get_field(name)
            try:
                field.to_python(cursor.position)  # type: ignore[union-attr]
            except ValidationError:
                raise UnknownCursor from None
        return cursor
