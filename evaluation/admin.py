"""Questionnaires are data: staff load or edit an organisation's own in the admin.

Answers are listed read-only and never with who gave them: people answered on the promise
that their answers are shown as a group's figures. No admin page links a person to a set of
answers: the sets show no person and no time (a time could be matched with the time someone
was asked or reminded), the requests show who was asked but not whether or when they
answered, and filters in the address bar through the person, the set or the answering
(`?respondent__id__exact=`, `?response__id__exact=`, `?answered_at__isnull=`) are refused
with "400 Bad Request". Staff can delete a set of answers plainly made in error; a person's own
comments are removed when they delete their account.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Finding,
    Instrument,
    Item,
    ItemAnswer,
    SummaryVersion,
    SurveyRequest,
    SurveyResponse,
    TeamSummary,
)


class ItemInline(admin.StackedInline[Item, Instrument]):
    model = Item
    extra = 0
    fields = ["position", "key", "question", "help_text", "scale", "points"]


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin[Instrument]):
    list_display = ["name", "key", "asking", "in_use"]
    list_filter = ["asking", "in_use"]
    inlines = [ItemInline]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin[Item]):
    list_display = ["question", "instrument", "position", "scale"]
    list_filter = ["instrument"]


class ReadOnly:
    # Address-bar filters through any of these would single out one person's answers.
    HIDDEN_LOOKUPS: frozenset[str] = frozenset()

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if self.HIDDEN_LOOKUPS & set(lookup.split("__")):
            return False
        allowed: bool = super().lookup_allowed(lookup, value, request)  # type: ignore[misc]
        return allowed

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnly, admin.ModelAdmin[SurveyResponse]):
    """Sets of answers by project, moment and group: never who gave them, nor when."""

    HIDDEN_LOOKUPS = frozenset({"respondent", "user", "submitted_at", "changed_at", "named"})
    list_display = ["instrument", "project", "moment", "stage", "group"]
    list_filter = ["instrument", "moment", "group"]
    fields = ["instrument", "project", "moment", "stage", "group"]
    list_select_related = ["instrument", "project"]
    # Not the model's newest-first: the order sets were saved in is left out too.
    ordering = ["project", "instrument", "moment", "stage", "group"]


@admin.register(ItemAnswer)
class ItemAnswerAdmin(ReadOnly, admin.ModelAdmin[ItemAnswer]):
    """Single answers, with no way to gather one set (one person's answers) together."""

    HIDDEN_LOOKUPS = frozenset({"response", "respondent", "user"})
    list_display = ["item", "value"]
    # By question, not by set: one set's answers are not listed together.
    ordering = ["item__instrument", "item__position", "value"]
    list_filter = ["item__instrument"]
    fields = ["item", "value", "text"]
    list_select_related = ["item"]


# The team's summary and findings are written on the report page, by the team. Staff read
# them here and can delete one a person asks to have removed; they never rewrite them.
class SummaryVersionInline(admin.TabularInline[SummaryVersion, TeamSummary]):
    model = SummaryVersion
    extra = 0
    fields = ["number", "author", "saved_at", *SummaryVersion.PARTS]
    readonly_fields = ["number", "author", "saved_at", *SummaryVersion.PARTS]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TeamSummary)
class TeamSummaryAdmin(ReadOnly, admin.ModelAdmin[TeamSummary]):
    list_display = ["project", "version"]
    fields = ["project", "version"]
    list_select_related = ["project"]
    inlines = [SummaryVersionInline]


@admin.register(SummaryVersion)
class SummaryVersionAdmin(ReadOnly, admin.ModelAdmin[SummaryVersion]):
    list_display = ["summary", "number", "author", "saved_at"]
    fields = ["summary", "number", "author", "saved_at", *SummaryVersion.PARTS]
    list_select_related = ["summary__project", "author"]


@admin.register(Finding)
class FindingAdmin(ReadOnly, admin.ModelAdmin[Finding]):
    list_display = ["title", "project", "author", "named", "created_at"]
    fields = ["project", "author", "title", "found", "method", "activity", "named", "created_at"]
    list_select_related = ["project", "author"]


@admin.register(SurveyRequest)
class SurveyRequestAdmin(ReadOnly, admin.ModelAdmin[SurveyRequest]):
    """Who was asked what, and when: never whether or when they answered, nor whether they
    were reminded (only those who had not answered are). Where one person in a group answered,
    that would point to the one set of answers in the group."""

    HIDDEN_LOOKUPS = frozenset({"user", "answered_at", "reminded_at", "response", "responses"})
    list_display = ["user", "instrument", "project", "moment", "stage", "asked_at"]
    list_filter = ["instrument", "moment"]
    fields = ["user", "instrument", "project", "moment", "stage", "asked_at"]
    list_select_related = ["user", "instrument", "project"]
