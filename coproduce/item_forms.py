"""A form repeated once per item of a list on one page (a response box under each objection,
under each idea).

Each copy gets ids of its own (`<id_prefix>-<item pk>-<field>`), so that when one comes back
with a mistake, the error summary's link and the field's `aria-describedby` lead to that box
and not to the first one on the page. Views compare `form.item` with each row to put the
failed copy, with what was typed, in its place.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model
from django.utils.translation import gettext as _


class ItemForm(forms.Form):
    id_prefix = "item"

    def __init__(self, *args: Any, item: Model | None = None, **kwargs: Any) -> None:
        if item is not None:
            kwargs["auto_id"] = f"{self.id_prefix}-{item.pk}-%s"
        super().__init__(*args, **kwargs)
        self.item = item

    def is_for(self, item: Model) -> bool:
        """Whether this copy of the form belongs to `item`."""
        return self.item is not None and self.item.pk == item.pk


class ItemResponseForm(ItemForm):
    """A co-lead's response (`body`) to one item a member wrote: labelled "Response to <who
    wrote it>", and filled in with the response already recorded, if any. Subclasses declare
    `body` and name the item's writer in `writer_field`."""

    writer_field = "author"

    def __init__(self, *args: Any, item: Model | None = None, **kwargs: Any) -> None:
        super().__init__(*args, item=item, **kwargs)
        if item is not None:
            writer = getattr(item, self.writer_field)
            self.fields["body"].label = _("Response to %(name)s") % {"name": writer}
            existing = getattr(item, "response", None)
            if not self.is_bound and existing is not None:
                self.initial["body"] = existing.body
