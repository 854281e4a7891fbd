"""The authorisation crawl: every URL pattern of the site, filled with real ids from one data
set (tests/crawl_data.py), requested as each kind of user and compared with TABLE below.

TABLE is the one statement of who may reach what. A URL pattern added without an entry fails
`test_every_url_pattern_has_an_entry_in_the_table`, and so does an entry whose URL is gone.
The same crawl checks that no page, download, calendar or PDF shows how anyone voted while
voting is open, and that the pages do show it once voting has closed (so the check can fail).

Outcomes: "200" the page; "403" refused to a member who lacks the right; "404" for everyone
who is not a member (STYLE.md habit 7); SIGN_IN a redirect to sign in; REDIRECT any other
redirect (a POST that did its work, a signed-out page that sends a signed-in person on, a
POST-only address opened with GET, which leads to the page its form is on).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from projects.models import GateStatus
from projects.services import closing as gate_closing
from tests import crawl, crawl_data
from tests.crawl import KINDS, REDIRECT, SIGN_IN

OK, REFUSED, NOT_FOUND = "200", "403", "404"
R = REDIRECT


@dataclass(frozen=True)
class Rule:
    """What each kind of user gets, in the order of crawl.KINDS: anonymous, outsider, expert
    by experience, practitioner, co-lead, commissioner, staff. `post_only` pages are crawled
    with an empty POST too, and the outcomes are the POST's."""

    outcomes: tuple[str, str, str, str, str, str, str]
    post_only: bool = False

    def expected(self, kind: str) -> str:
        return self.outcomes[KINDS.index(kind)]


def members(expert: str, practitioner: str, co_lead: str, commissioner: str) -> Rule:
    """A project page: sign in first; 404 for anyone who is not a member (staff included)."""
    return Rule((SIGN_IN, NOT_FOUND, expert, practitioner, co_lead, commissioner, NOT_FOUND))


def post(rule: Rule) -> Rule:
    return Rule(rule.outcomes, post_only=True)


# --- The groups ---------------------------------------------------------------------------
PUBLIC = Rule((OK,) * 7)
# Signing in and up: a signed-in person is sent on.
SIGNED_OUT = Rule((OK, R, R, R, R, R, R))
# Each person's own pages.
SIGNED_IN = Rule((SIGN_IN, OK, OK, OK, OK, OK, OK))
# A step of a flow nobody in the crawl is in the middle of: each is sent to where it starts.
MID_FLOW = Rule((SIGN_IN, R, R, R, R, R, R))
MEMBERS = members(OK, OK, OK, OK)
# Experts by experience and practitioners: they vote, claim expenses, answer the surveys and
# write the evaluation; commissioners give assurance instead.
VOTERS = members(OK, OK, OK, REFUSED)
# Practitioners and co-leads plan activities and record with help.
PLANNERS = members(REFUSED, OK, OK, REFUSED)
CO_LEADS = members(REFUSED, REFUSED, OK, REFUSED)
COMMISSIONERS = members(REFUSED, REFUSED, REFUSED, OK)
CO_LEADS_AND_COMMISSIONERS = members(REFUSED, REFUSED, OK, OK)
# POSTs a co-lead's empty form completes (withdrawing, resending, marking as dealt with).
CO_LEADS_ACT = members(REFUSED, REFUSED, R, REFUSED)
# The commissioner's portfolio is not a project page: anyone else signed in is refused.
PORTFOLIO = Rule((SIGN_IN, REFUSED, REFUSED, REFUSED, REFUSED, OK, REFUSED))
# The Django admin: signed-in people who are not staff are sent to the admin's sign-in page;
# staff without model permissions (none in the crawl) are refused.
ADMIN = Rule((R, R, R, R, R, R, REFUSED))
ADMIN_FOR_ANY_STAFF = Rule((R, R, R, R, R, R, OK))
# The API (/api/v1/): it answers 401 rather than sending anyone to sign in; a project's
# endpoints follow the project's pages (the crawl's browser is signed in, which the API
# accepts as a token; tests/test_api_authorisation.py crosses every endpoint with tokens).
UNAUTHORISED = "401"
API_SIGNED_IN = Rule((UNAUTHORISED, OK, OK, OK, OK, OK, OK))
API_MEMBERS = Rule((UNAUTHORISED, *members(OK, OK, OK, OK).outcomes[1:]))
API_CO_LEADS_AND_COMMISSIONERS = Rule(
    (UNAUTHORISED, *members(REFUSED, REFUSED, OK, OK).outcomes[1:])
)

TABLE: dict[str, Rule] = {
    # The site
    "home": SIGNED_OUT,
    "up": PUBLIC,
    "dashboard": SIGNED_IN,
    "projects:new": SIGNED_IN,
    "portfolio:portfolio": PORTFOLIO,
    "portfolio:csv": PORTFOLIO,
    "texts:inbound": post(Rule((REFUSED,) * 7)),  # only the SMS provider's signed requests
    # Each person's own pages and data
    "my:page": SIGNED_IN,
    "my:json": SIGNED_IN,
    "my:csv": SIGNED_IN,
    "my:delete": SIGNED_IN,
    "access:mine": SIGNED_IN,
    "consent:mine": SIGNED_IN,
    "participation:preferences": SIGNED_IN,
    "api_tokens": SIGNED_IN,
    # A token is its owner's (the practitioner's): anyone else finds nothing there.
    "api_token_revoke": post(Rule((SIGN_IN, NOT_FOUND, NOT_FOUND, R, *(NOT_FOUND,) * 3))),
    # The API's index, its schema and its documentation describe it, never what is in it.
    "api:root": PUBLIC,
    "api:schema": PUBLIC,
    "api:docs": PUBLIC,
    "api:projects": API_SIGNED_IN,
    "api:project": API_MEMBERS,
    "api:members": API_MEMBERS,
    "api:decisions": API_MEMBERS,
    "api:decision": API_MEMBERS,
    "api:activities": API_MEMBERS,
    "api:indicators": API_MEMBERS,
    "api:events": API_MEMBERS,
    "api:flags": API_CO_LEADS_AND_COMMISSIONERS,
    # Links sent by message: the token is the key
    "participation:accept": PUBLIC,
    "participation:unsubscribe": PUBLIC,
    "participation:join": SIGNED_OUT,
    # A project, for its members
    "projects:detail": MEMBERS,
    "projects:members": MEMBERS,
    "projects:history": MEMBERS,
    "projects:history_csv": MEMBERS,
    "projects:leave": MEMBERS,
    "projects:gates": MEMBERS,
    "projects:gate": MEMBERS,
    "projects:gate_easy_read": MEMBERS,
    "contributions:list": MEMBERS,
    "activities:list": MEMBERS,
    "activities:detail": MEMBERS,
    "activities:ics": MEMBERS,
    "activities:reply": post(MEMBERS),
    "activities:adjustment": post(MEMBERS),
    "reports:report": MEMBERS,
    "reports:report_pdf": MEMBERS,
    "reports:table_csv": MEMBERS,
    # ...for those who vote, claim, answer and write the evaluation
    "projects:gate_vote": post(VOTERS),
    # Nobody in the crawl has a vote on the open decision to take back: each is sent back.
    "projects:gate_vote_withdraw": post(members(R, R, R, REFUSED)),
    "payments:expenses": VOTERS,
    "surveys:answer": VOTERS,
    # Only for someone who has answered (the practitioner has, the others not yet).
    "surveys:saved": members(NOT_FOUND, OK, NOT_FOUND, REFUSED),
    "reports:save_summary": post(VOTERS),
    "reports:add_finding": post(VOTERS),
    # The expert wrote the finding; anyone else who writes the evaluation is told only its
    # author can withdraw it; commissioners do not write the evaluation.
    "reports:withdraw_finding": post(members(R, OK, OK, REFUSED)),
    # A receipt: its claimant and the co-leads who decide claims.
    "payments:receipt": members(OK, REFUSED, OK, REFUSED),
    # ...for practitioners and co-leads
    "activities:new": PLANNERS,
    "activities:edit": PLANNERS,
    "activities:cancel": PLANNERS,
    "activities:attendance": PLANNERS,
    "assistance:record": PLANNERS,
    # A request recorded with help is its helper's (the practitioner's): another co-lead
    # finds nothing there.
    "assistance:confirm": members(REFUSED, OK, NOT_FOUND, REFUSED),
    "assistance:resend": post(members(REFUSED, R, NOT_FOUND, REFUSED)),
    "assistance:cancel": post(members(REFUSED, R, NOT_FOUND, REFUSED)),
    # ...for co-leads
    "projects:settings": CO_LEADS,
    "projects:member_remove": CO_LEADS,
    "projects:member_role": post(CO_LEADS),
    "projects:member_co_lead": post(CO_LEADS),
    "projects:gate_new": CO_LEADS,
    "projects:gate_edit": post(CO_LEADS),
    "projects:gate_open": post(CO_LEADS),
    "projects:gate_withdraw": post(CO_LEADS_ACT),
    "projects:objection_respond": post(CO_LEADS),
    "contributions:respond": post(CO_LEADS),
    "activities:provided": post(CO_LEADS),
    "participation:invitations": CO_LEADS,
    "participation:bulk_invite": CO_LEADS,
    "participation:invitation_resend": post(CO_LEADS_ACT),
    "participation:invitation_revoke": post(CO_LEADS_ACT),
    "payments:policy": CO_LEADS,
    "payments:policy_withdraw": post(CO_LEADS_ACT),
    "payments:list": CO_LEADS,
    "payments:record": post(CO_LEADS),
    "payments:decide": post(CO_LEADS),
    "payments:export": CO_LEADS,
    "text_inbox:list": CO_LEADS,
    "text_inbox:dealt_with": post(CO_LEADS_ACT),
    "access:summary": CO_LEADS,
    "webhooks:list": CO_LEADS,
    "webhooks:detail": CO_LEADS,
    "webhooks:delete": CO_LEADS,
    "webhooks:events": post(CO_LEADS),
    "webhooks:switch": post(CO_LEADS),
    "webhooks:secret": post(CO_LEADS),
    "webhooks:copied": post(CO_LEADS_ACT),
    "webhooks:ping": post(CO_LEADS_ACT),
    # ...for commissioners
    "projects:gate_signoff": COMMISSIONERS,
    "reports:flags_csv": CO_LEADS_AND_COMMISSIONERS,
    # Accounts (allauth)
    "account_login": SIGNED_OUT,
    "account_signup": SIGNED_OUT,
    "account_request_login_code": SIGNED_OUT,
    "account_request_login_code_by_text": SIGNED_OUT,
    "account_confirm_login_code": MID_FLOW,
    "account_logout": Rule((R, OK, OK, OK, OK, OK, OK)),
    "account_inactive": PUBLIC,
    "account_email_verification_sent": PUBLIC,
    "account_confirm_email": PUBLIC,
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    "account_email": SIGNED_IN,
    "account_change_password": SIGNED_IN,
    "account_reauthenticate": SIGNED_IN,
    # Everyone in the crawl has a password already: setting one sends them to change it.
    "account_set_password": MID_FLOW,
    # Two-factor sign-in: only staff have it set up.
    "mfa_index": SIGNED_IN,
    "mfa_activate_totp": MID_FLOW,
    "mfa_authenticate": MID_FLOW,
    "mfa_generate_recovery_codes": MID_FLOW,
    "mfa_deactivate_totp": Rule((SIGN_IN, *(NOT_FOUND,) * 5, R)),
    "mfa_reauthenticate": Rule((SIGN_IN, R, R, R, R, R, OK)),
    "mfa_view_recovery_codes": Rule((SIGN_IN, *(NOT_FOUND,) * 6)),
    "mfa_download_recovery_codes": Rule((SIGN_IN, *(NOT_FOUND,) * 6)),
    # The Django admin. Every admin page not named here (each model's list, add, change,
    # delete and history pages) follows ADMIN.
    "admin:index": ADMIN_FOR_ANY_STAFF,
    "admin:jsi18n": ADMIN_FOR_ANY_STAFF,
    "admin:password_change": ADMIN_FOR_ANY_STAFF,
    "admin:password_change_done": ADMIN_FOR_ANY_STAFF,
    "admin:logout": post(ADMIN_FOR_ANY_STAFF),
    # The admin's sign-in is allauth's (for MFA): signed-in people who are not staff are told
    # they cannot use the admin.
    "admin:login": Rule((SIGN_IN, OK, OK, OK, OK, OK, R)),
    # Staff with no permission in an app find no page for it; users have no page on the site.
    "admin:app_list": Rule((R, R, R, R, R, R, NOT_FOUND)),
    "admin:view_on_site": Rule((R, R, R, R, R, R, NOT_FOUND)),
    # django-guardian's pages send staff without the right back to the admin's index.
    "admin:projects_project_permissions": Rule((R,) * 7),
    "admin:projects_project_permissions_manage_user": Rule((R,) * 7),
    "admin:projects_project_permissions_manage_group": Rule((R,) * 7),
}

# What a POST-only address answers to GET: signed out, sign in; signed in, the page its form
# is on (or 405 from Django's own POST-only views).
POST_ONLY_GET = {SIGN_IN, REDIRECT, "405"}

# What would show a vote's direction on the open vote's own pages: the table of results and the
# objections with their words. Elsewhere, the objection's words alone.
RESULT_MARKS = ("Votes in each group", "objected")
OPEN_VOTE_PAGES = {"projects:gate", "projects:gate_easy_read"}


def rule_for(name: str) -> Rule | None:
    if name in TABLE:
        return TABLE[name]
    return ADMIN if name.startswith("admin:") else None


@pytest.fixture(scope="module")
def seeded(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[crawl_data.Seeded]:
    """One data set for the whole module, rolled back at its end; each test's own changes
    (the `db` fixture's savepoint) are rolled back after it."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        yield crawl_data.seed(crawl_data.personas())
        transaction.set_rollback(True)


def post_only() -> frozenset[str]:
    return frozenset(name for name, rule in TABLE.items() if rule.post_only)


def test_every_url_pattern_has_an_entry_in_the_table() -> None:
    names = {pattern.name for pattern in crawl.url_patterns()}
    missing = sorted(name for name in names if rule_for(name) is None)
    gone = sorted(set(TABLE) - names)
    assert not missing, f"URL patterns with no entry in TABLE: {missing}"
    assert not gone, f"TABLE entries for URLs that no longer exist: {gone}"


def test_every_url_pattern_with_arguments_is_filled_from_the_data_set(
    seeded: crawl_data.Seeded, db: None
) -> None:
    unfilled = [
        pattern.name
        for pattern in crawl.url_patterns()
        if set(seeded.arguments.get(pattern.name, {})) != pattern.keywords
    ]
    assert not unfilled, f"no real ids in tests/crawl_data.py for: {unfilled}"


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_user_gets_what_the_table_says_and_no_open_vote_shows(
    seeded: crawl_data.Seeded, db: None, kind: str
) -> None:
    visits = crawl.crawl(
        crawl.signed_in(seeded.people, kind), crawl.url_patterns(), seeded.arguments, post_only()
    )
    wrong = []
    for visit in visits:
        rule = rule_for(visit.name)
        assert rule is not None, visit.name
        if visit.method == "GET" and rule.post_only:
            if visit.outcome not in POST_ONLY_GET:
                wrong.append(f"{visit.name} GET {visit.path}: {visit.outcome}, not a redirect")
        elif visit.outcome != rule.expected(kind):
            wrong.append(
                f"{visit.name} {visit.method} {visit.path}: {visit.outcome}, "
                f"the table says {rule.expected(kind)}"
            )
    assert not wrong, f"as {kind}:\n" + "\n".join(wrong)
    assert not leaks(visits), f"as {kind}, the open vote shows on: {leaks(visits)}"


def leaks(visits: list[crawl.Visit]) -> list[str]:
    """The pages that show a direction of a vote on the open decision."""
    return [
        f"{visit.method} {visit.path}"
        for visit in visits
        if crawl_data.HIDDEN_REASON in visit.text
        or (visit.name in OPEN_VOTE_PAGES and any(mark in visit.text for mark in RESULT_MARKS))
    ]


def test_once_voting_closes_the_same_pages_show_the_result(
    seeded: crawl_data.Seeded, db: None
) -> None:
    vote = seeded.open_vote
    assert vote.closes_at is not None
    gate_closing.close_gate(gate_id=vote.pk, now=vote.closes_at + timedelta(hours=1))
    vote.refresh_from_db()
    assert vote.status == GateStatus.CLOSED
    gate_page = f"GET /projects/{seeded.project.slug}/gates/{vote.pk}/"
    # Every page but the admin's as an expert by experience; the decision's own pages as each
    # other member (the crawl above saw them all while voting was open).
    everything = [p for p in crawl.url_patterns() if not p.name.startswith("admin:")]
    own_pages = [p for p in everything if p.name in OPEN_VOTE_PAGES]

    for kind in ("expert", "practitioner", "co_lead", "commissioner"):
        patterns = everything if kind == "expert" else own_pages
        client = crawl.signed_in(seeded.people, kind)
        shown = leaks(crawl.crawl(client, patterns, seeded.arguments, post_only()))
        assert gate_page in shown, f"as {kind}, the result shows only on: {shown}"
