"""Site staff can see invitations, ideas and the outbox, and send a failed message again.

Invitations are read-only here: one made here would have no link anyone holds, and moving one
to another project, role or expiry would skip the services and the event log. Co-leads invite,
resend and withdraw on the project's invitations page (or `manage.py invite`).
Ideas and their responses are read-only too: they are what members said and what the project
did about it, part of the evidence a commissioner reads. Activities and their attendance are
read-only for the same reason: attendance counts in the checks and, later, in payments.
Access needs and consent decisions are read-only too, and only site staff reach the admin at
all: a member changes their own, and withdrawing consent is what deletes access needs (so the
consent history records it). Lists never show the free text of someone's access needs.
Payment policies, payments and expenses are read-only too: money records change only through
the project's pages, where the past is never rewritten.
Texts members sent in, and records made with help, are read-only too; while a decision's vote
is open, their words and the choice are hidden, as on the vote admin, because a text such as
"NO 012" is a vote's direction.
Webhooks are read-only too, and their secret is never shown: co-leads add, change and delete
them on the project's webhooks page, where each change is logged."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.admin import HIDDEN_WHILE_OPEN, ReadOnlyMixin
from projects.models import Gate

from .models import (
    AccessNeeds,
    Activity,
    Adjustment,
    Attendance,
    Consent,
    Contribution,
    ContributionResponse,
    Expense,
    HelpRequest,
    InboundText,
    Invitation,
    InvolvementPayment,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
    PaymentPolicy,
    Reply,
    Webhook,
    WebhookDelivery,
)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyMixin, admin.ModelAdmin[Invitation]):
    list_display = ["__str__", "role", "sent_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role", "project"]
    search_fields = ["email", "phone", "name", "project__title"]
    # The nonce and hash would let nobody in, but there is no reason to show them either.
    exclude = ["token_nonce", "token_hash"]
    list_select_related = ["project"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = [
        "kind",
        "recipient",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["occasion", "recipient", "address"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["send_again"]

    @admin.action(description=_("Try the selected failed messages again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        queryset.filter(status=OutboxStatus.FAILED).update(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Webhook)
class WebhookAdmin(ReadOnlyMixin, admin.ModelAdmin[Webhook]):
    list_display = ["project", "host", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["project__title", "url"]
    list_select_related = ["project"]
    # Anyone holding the secret could sign messages as this site.
    exclude = ["secret", "secret_shown_to"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin[WebhookDelivery]):
    """Which webhook each outbox row goes to, and its receiver's last answer; the row itself
    (with its retry) is under Outgoing messages."""

    list_display = ["message", "webhook", "response_code", "response_ms"]
    list_select_related = ["message", "webhook__project"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin[NotificationPreference]):
    list_display = ["user", "channel", "updated_at"]
    raw_id_fields = ["user"]


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyMixin, admin.ModelAdmin[Contribution]):
    list_display = ["__str__", "project", "stage", "kind", "created_at"]
    list_filter = ["kind", "stage"]
    search_fields = ["body", "project__title", "author__display_name", "author__email"]
    list_select_related = ["project", "author"]


@admin.register(ContributionResponse)
class ContributionResponseAdmin(ReadOnlyMixin, admin.ModelAdmin[ContributionResponse]):
    list_display = ["contribution", "responder", "at"]
    list_select_related = ["contribution__author", "responder"]


@admin.register(AccessNeeds)
class AccessNeedsAdmin(ReadOnlyMixin, admin.ModelAdmin[AccessNeeds]):
    list_display = ["user", "updated_at"]
    search_fields = ["user__display_name", "user__email"]
    list_select_related = ["user"]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyMixin, admin.ModelAdmin[Consent]):
    list_display = ["user", "purpose", "given", "at", "erased_access_needs"]
    list_filter = ["purpose", "given"]
    search_fields = ["user__display_name", "user__email"]
    list_select_related = ["user"]


class AttendanceInline(ReadOnlyMixin, admin.TabularInline[Attendance, Activity]):
    model = Attendance
    extra = 0
    fields = ["user", "presence", "recorded_by", "recorded_at"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyMixin, admin.ModelAdmin[Activity]):
    list_display = ["title", "project", "kind", "stage", "starts_at"]
    list_filter = ["kind", "stage"]
    search_fields = ["title", "project__title"]
    list_select_related = ["project"]
    inlines = [AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyMixin, admin.ModelAdmin[Attendance]):
    list_display = ["activity", "user", "presence", "recorded_at"]
    list_filter = ["presence"]
    list_select_related = ["activity", "user"]


@admin.register(Reply)
class ReplyAdmin(ReadOnlyMixin, admin.ModelAdmin[Reply]):
    list_display = ["activity", "user", "answer", "at"]
    list_select_related = ["activity", "user"]


# What someone needs to take part is private to them and the co-leads; site staff see it here
# only to help (the admin is for staff alone).
@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyMixin, admin.ModelAdmin[Adjustment]):
    list_display = ["activity", "user", "asked_at", "provided"]
    list_select_related = ["activity", "user"]


@admin.register(PaymentPolicy)
class PaymentPolicyAdmin(ReadOnlyMixin, admin.ModelAdmin[PaymentPolicy]):
    list_display = ["project", "starts_on", "hourly_rate", "half_day_rate", "full_day_rate"]
    list_select_related = ["project"]
    list_filter = ["project"]


@admin.register(InvolvementPayment)
class InvolvementPaymentAdmin(ReadOnlyMixin, admin.ModelAdmin[InvolvementPayment]):
    list_display = ["project", "member", "session_on", "amount", "status", "due_on", "paid_on"]
    list_select_related = ["project", "member"]
    list_filter = ["status"]


@admin.register(Expense)
class ExpenseAdmin(ReadOnlyMixin, admin.ModelAdmin[Expense]):
    list_display = ["project", "member", "spent_on", "category", "amount", "status"]
    list_select_related = ["project", "member"]
    list_filter = ["status", "category"]


def _open(gate: Gate | None) -> bool:
    return gate is not None and not gate.is_closed


@admin.register(InboundText)
class InboundTextAdmin(ReadOnlyMixin, admin.ModelAdmin[InboundText]):
    list_display = ["received_at", "user", "outcome", "gate", "dealt_with_at"]
    list_select_related = ["user", "gate"]
    list_filter = ["outcome", "provider"]
    fields = (
        *("provider", "message_id", "sender", "user", "received_at", "gate", "outcome"),
        *("words", "answer", "dealt_with_at", "dealt_with_by"),
    )
    readonly_fields = fields

    @admin.display(description=_("text"))
    def words(self, text: InboundText) -> str:
        return str(HIDDEN_WHILE_OPEN) if _open(text.gate) else text.body

    @admin.display(description=_("our answer"))
    def answer(self, text: InboundText) -> str:
        return str(HIDDEN_WHILE_OPEN) if _open(text.gate) else text.reply


@admin.register(HelpRequest)
class HelpRequestAdmin(ReadOnlyMixin, admin.ModelAdmin[HelpRequest]):
    list_display = ["created_at", "project", "member", "helper", "kind", "status"]
    list_select_related = ["project", "member", "helper"]
    list_filter = ["kind", "status"]
    fields = (
        *("project", "member", "helper", "kind", "gate", "activity", "vote", "answer"),
        *("created_at", "expires_at", "code_sent_by", "failed_attempts", "status", "done_at"),
    )
    readonly_fields = fields

    @admin.display(description=_("vote"))
    def vote(self, request: HelpRequest) -> str:
        if _open(request.gate):
            return str(HIDDEN_WHILE_OPEN)
        return request.get_choice_display()
