"""The response form shared by objections and contributions: what happened, then the words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce import limits
from coproduce.item_forms import ItemResponseForm

from ..models import CHOSEN_OUTCOMES
from ..services.responses import CHOOSE_AN_OUTCOME


class RecordedResponseForm(ItemResponseForm):
    """A co-lead's response to one item (`item`): done, partly done or not done, and what was
    done or why not. Filled in with the response already recorded, if any."""

    outcome = forms.ChoiceField(
        choices=[(outcome.value, outcome.label) for outcome in CHOSEN_OUTCOMES],
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_AN_OUTCOME, "invalid_choice": CHOOSE_AN_OUTCOME},
    )
    body = limits.text_field(
        limit=limits.RESPONSE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "What you did, or why not. Everyone in the project can read it, and the person "
            "who wrote it is told."
        ),
        error_messages={"required": gettext_lazy("Write what you did, or why not.")},
    )

    def __init__(self, *args: Any, item: Model | None = None, **kwargs: Any) -> None:
        super().__init__(*args, item=item, **kwargs)
        self.fields["outcome"].label = _("What happened?")
        existing = getattr(item, "response", None) if item is not None else None
        if not self.is_bound and existing is not None and existing.outcome:
            self.initial["outcome"] = existing.outcome
