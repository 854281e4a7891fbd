"""Questionnaires are data: staff load or edit an organisation's own in the admin.

Answers are listed read-only and never with who gave them: people answered on the promise
that their answers are shown as a group's figures. Staff can delete a set of answers that a
person asks to have removed.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

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
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnly, admin.ModelAdmin[SurveyResponse]):
    list_display = ["instrument", "project", "moment", "stage", "group", "submitted_at"]
    list_filter = ["instrument", "moment", "group"]
    fields = ["instrument", "project", "moment", "stage", "group", "submitted_at", "changed_at"]
    list_select_related = ["instrument", "project"]


@admin.register(ItemAnswer)
class ItemAnswerAdmin(ReadOnly, admin.ModelAdmin[ItemAnswer]):
    list_display = ["item", "value"]
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
    """Who was asked, and whether they answered; never when, which could be matched with the
    time a set of answers was saved."""

    list_display = ["user", "instrument", "project", "moment", "stage", "asked_at", "answered"]
    list_filter = ["instrument", "moment"]
    fields = ["user", "instrument", "project", "moment", "stage", "asked_at", "reminded_at"]
    list_select_related = ["user", "instrument", "project"]

    @admin.display(boolean=True, description=_("answered"))
    def answered(self, request: SurveyRequest) -> bool:
        return request.is_answered
