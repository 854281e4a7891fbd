"""Every POST endpoint of the site, with who may use it, the scene where its form is live and a
valid post (tests/test_hostile_input.py attacks each; a POST view missing here fails there)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from tests.factories import PASSWORD
from tests.hostile_scenes import (
    Scene,
    adjustment,
    awaiting_signoff,
    code_asked,
    coming_up,
    confirm_key,
    draft,
    expense,
    finding,
    help_waiting,
    idea,
    invitation,
    invitation_link,
    lived,
    member,
    no_password,
    nobody,
    objection,
    own_token,
    password_given,
    payment_due,
    policy_ahead,
    recently_signed_in,
    reset_link_opened,
    signed,
    stage_ended,
    text_to_look_at,
    took_place,
    unsubscribe,
    voted,
    voting,
    webhook,
)


@dataclass(frozen=True)
class Endpoint:
    name: str
    who: str | None  # a persona fixture; None: nobody signed in
    scene: Scene = lambda w: w.slug
    page: str = ""  # the URL name of the page that holds the form, if not the endpoint's own
    valid: dict[str, str] = field(default_factory=dict)  # over the page's own defaults
    fields: dict[str, str] | None = None  # when no page holds the form
    twice: bool = True  # the same valid post twice is checked
    header: Callable[[bytes], dict[str, str]] | None = None
    unused: frozenset[str] = frozenset()  # fields the form ignores for the valid post

    def __str__(self) -> str:
        return self.name


TOMORROW = (timezone.localdate() + timedelta(days=7)).isoformat()
NEW_PASSWORD = "a-long-new-password-77"
YESTERDAY = (timezone.localdate() - timedelta(days=1)).isoformat()

# --- Every POST endpoint, with who may use it and where -----------------------------------------

ENDPOINTS = [
    # projects
    Endpoint(
        "projects:new",
        "practitioner",
        nobody,
        valid={"title": "Night shelter", "summary": "Plan it together.", "role": "practitioner"},
    ),
    Endpoint("projects:settings", "practitioner"),
    Endpoint(
        "projects:member_role", "practitioner", member, "projects:members", {"role": "practitioner"}
    ),
    Endpoint(
        "projects:member_co_lead",
        "practitioner",
        member,
        "projects:members",
        {"is_co_lead": "true"},
    ),
    Endpoint(
        "projects:member_remove",
        "practitioner",
        lambda w: member(w, "practitioner2"),
        valid={"confirm": "on"},
    ),
    Endpoint("projects:leave", "expert2", valid={"confirm": "on"}),
    Endpoint(
        "projects:gate_new",
        "practitioner",
        lived,
        valid={"proposal": "Move to delivery.", "what_changes": "It opens in the evening."},
    ),
    Endpoint(
        "projects:gate_edit", "practitioner", draft, "projects:gate", {"proposal": "Move on now."}
    ),
    Endpoint("projects:gate_withdraw", "practitioner", draft, "projects:gate"),
    Endpoint("projects:gate_open", "practitioner", draft, "projects:gate"),
    Endpoint("projects:gate_vote", "expert2", voting, "projects:gate", {"choice": "approve"}),
    Endpoint("projects:gate_vote_withdraw", "expert2", voted, "projects:gate"),
    Endpoint(
        "projects:gate_signoff",
        "commissioner",
        awaiting_signoff,
        valid={"assured": "yes", "reasons": "Both groups took part at every stage."},
    ),
    Endpoint(
        "projects:objection_respond",
        "practitioner",
        objection,
        "projects:gate",
        {"outcome": "done", "body": "We moved the sessions to the evening."},
    ),
    # ideas and comments
    Endpoint("contributions:list", "expert2", valid={"kind": "idea", "body": "Open on Sundays."}),
    Endpoint(
        "contributions:respond",
        "practitioner",
        idea,
        "contributions:list",
        {"outcome": "done", "body": "We did."},
    ),
    # activities
    Endpoint(
        "activities:new",
        "practitioner",
        valid={
            "kind": "meeting",
            "title": "Planning",
            "day": TOMORROW,
            "time": "18:00",
            "duration_minutes": "90",
            "place": "Brixton Library",
        },
    ),
    Endpoint("activities:edit", "practitioner", coming_up, valid={"title": "Planning again"}),
    Endpoint("activities:cancel", "practitioner", coming_up, valid={"reason": "Snow."}),
    Endpoint("activities:reply", "expert2", coming_up, "activities:detail", {"answer": "coming"}),
    Endpoint(
        "activities:adjustment",
        "expert2",
        coming_up,
        "activities:detail",
        {"need": "Large print, please."},
    ),
    Endpoint(
        "activities:provided", "practitioner", adjustment, "activities:detail", {"provided": "yes"}
    ),
    Endpoint("activities:attendance", "practitioner", took_place),
    # recording with help
    Endpoint(
        "assistance:record",
        "practitioner",
        valid={
            "kind": "idea",
            "contribution_kind": "idea",
            "body": "More evening sessions.",
            "asked": "on",
        },
        # An idea: the fields for a vote or a reply are passed over, whatever they hold.
        unused=frozenset({"activity", "answer", "choice", "reason"}),
    ),
    Endpoint("assistance:confirm", "practitioner", help_waiting, twice=False),
    Endpoint("assistance:resend", "practitioner", help_waiting, "assistance:confirm"),
    Endpoint("assistance:cancel", "practitioner", help_waiting, "assistance:confirm"),
    # payments and expenses
    Endpoint(
        "payments:policy",
        "practitioner",
        valid={"starts_on": TOMORROW, "hourly_rate": "20.00", "methods": "bank_transfer"},
    ),
    Endpoint("payments:policy_withdraw", "practitioner", policy_ahead, "payments:policy"),
    Endpoint(
        "payments:record",
        "practitioner",
        payment_due,
        "payments:list",
        {"status": "paid", "method": "bank_transfer", "paid_on": YESTERDAY},
    ),
    Endpoint(
        "payments:expenses",
        "expert2",
        valid={"spent_on": YESTERDAY, "category": "travel", "amount": "4.50"},
    ),
    Endpoint(
        "payments:decide", "practitioner", expense, "payments:expenses", {"decision": "approve"}
    ),
    Endpoint("text_inbox:dealt_with", "practitioner", text_to_look_at, "text_inbox:list"),
    # webhooks
    Endpoint(
        "webhooks:list",
        "practitioner",
        valid={"url": "https://hooks.example.org/coproduce", "events": "decision.made"},
    ),
    Endpoint(
        "webhooks:events", "practitioner", webhook, "webhooks:detail", {"events": "voting.opened"}
    ),
    Endpoint("webhooks:switch", "practitioner", webhook, "webhooks:detail"),
    Endpoint("webhooks:secret", "practitioner", webhook, "webhooks:detail"),
    Endpoint("webhooks:copied", "practitioner", webhook, "webhooks:detail"),
    Endpoint("webhooks:ping", "practitioner", webhook, "webhooks:detail"),
    Endpoint("webhooks:delete", "practitioner", webhook),
    # evaluation
    Endpoint("surveys:answer", "expert2", stage_ended),
    Endpoint(
        "reports:save_summary",
        "practitioner",
        page="reports:report",
        valid={"summary-aim": "Evening drop-ins.", "summary-based_on": "3"},
    ),
    Endpoint(
        "reports:add_finding",
        "practitioner",
        page="reports:report",
        valid={
            "finding-title": "Evenings suit people in work",
            "finding-found": "Four of six could not come in the day.",
            "finding-method": "Six interviews",
        },
    ),
    Endpoint("reports:withdraw_finding", "practitioner", finding, "reports:report"),
    # invitations, joining and each person's own pages
    Endpoint(
        "participation:invitations",
        "practitioner",
        valid={"name": "Sam", "email": "sam@example.org", "role": "expert_by_experience"},
    ),
    Endpoint(
        "participation:bulk_invite",
        "practitioner",
        valid={"csv_text": "Sam,sam@example.org,,practitioner", "send": "1"},
    ),
    Endpoint(
        "participation:invitation_resend", "practitioner", invitation, "participation:invitations"
    ),
    Endpoint(
        "participation:invitation_revoke", "practitioner", invitation, "participation:invitations"
    ),
    Endpoint(
        "participation:join",
        None,
        invitation_link,
        valid={"name": "Newcomer", "password": NEW_PASSWORD},
    ),
    Endpoint("participation:preferences", "expert2", nobody),
    Endpoint("participation:unsubscribe", None, unsubscribe),
    Endpoint("access:mine", "expert2", nobody, valid={"consent": "on"}),
    Endpoint("consent:mine", "expert2", nobody),
    Endpoint("api_tokens", "expert2", nobody, valid={"name": "Council report", "days": "90"}),
    Endpoint("api_token_revoke", "expert2", own_token, "api_tokens"),
    Endpoint("my:delete", "expert2", nobody, valid={"confirm": "on"}),
    Endpoint(
        "texts:inbound",
        None,
        nobody,
        fields={"id": "text", "from": "tel", "body": "text"},
        valid={"id": "m1", "from": "+447700900123", "body": "YES 4821"},
        header=signed,
    ),
    # signing in and accounts (allauth's views with the site's forms)
    Endpoint("account_request_login_code_by_text", None, nobody, valid={"phone": "07700900123"}),
    Endpoint(
        "account_login", None, nobody, valid={"login": "expert2@example.org", "password": PASSWORD}
    ),
    Endpoint("account_logout", "expert2", nobody),
    Endpoint(
        "account_signup",
        None,
        nobody,
        valid={
            "display_name": "Nia",
            "email": "nia@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    ),
    Endpoint("account_reauthenticate", "expert2", nobody, valid={"password": PASSWORD}),
    Endpoint(
        "account_email", "expert2", nobody, valid={"email": "second@example.org", "action_add": "1"}
    ),
    Endpoint(
        "account_change_password",
        "expert2",
        nobody,
        valid={"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ),
    Endpoint(
        "account_set_password",
        "expert2",
        no_password,
        valid={"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ),
    Endpoint("account_reset_password", None, nobody, valid={"email": "expert2@example.org"}),
    Endpoint("account_request_login_code", None, nobody, valid={"email": "expert2@example.org"}),
    Endpoint("account_confirm_login_code", None, code_asked, twice=False),
    Endpoint("account_confirm_email", None, confirm_key, fields={}, twice=False),
    Endpoint(
        "account_reset_password_from_key",
        None,
        reset_link_opened,
        valid={"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ),
    Endpoint("mfa_authenticate", None, password_given, twice=False),
    Endpoint("mfa_reauthenticate", "superuser", nobody, twice=False),
    Endpoint("mfa_activate_totp", "expert2", recently_signed_in, twice=False),
    Endpoint("mfa_deactivate_totp", "superuser", recently_signed_in, twice=False),
    Endpoint("mfa_generate_recovery_codes", "superuser", recently_signed_in),
]


# Forms that are only a button: nothing to fill in.
NO_FIELDS = {
    "projects:gate_withdraw",
    "projects:gate_vote_withdraw",
    "assistance:resend",
    "assistance:cancel",
    "payments:policy_withdraw",
    "text_inbox:dealt_with",
    "reports:withdraw_finding",
    "participation:invitation_resend",
    "participation:invitation_revoke",
    "api_token_revoke",
    "account_logout",
    "participation:unsubscribe",
    "mfa_deactivate_totp",
    "mfa_generate_recovery_codes",
    "webhooks:copied",
    "webhooks:ping",
}


# Endpoints whose answer to a valid post is a page rather than a redirect.
ANSWERS_WITH_A_PAGE = {
    "participation:bulk_invite",  # the check before sending lists each row
    "participation:unsubscribe",
}
