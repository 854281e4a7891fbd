"""Every kind of page a person can reach, in a realistic project, with who sees it.

`seed(people)` fills the database with a project at work: both groups and a commissioner, ideas
with a response, a decision that passed over an objection (answered), an open vote, a decision
waiting for sign-off and one signed off, a refused decision, a withdrawn one and a draft;
invitations, one to a very long email address; and the history all that leaves. It returns a
`Catalogue`: the people, and one `Entry` per page type with the persona to view it as.
`open_entry(page, base_url, catalogue, entry)` brings that page up in a Playwright page, error
states included (the form sent as it is, or with the bad input the entry names).

Browser tests take it from the `catalogue` fixture (tests/browser/conftest.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from evaluation.instruments import ensure_built_in
from evaluation.models import Instrument, Moment, survey_url
from evaluation.services.answers import save_answers
from evaluation.services.report import add_finding, save_summary
from participation.demo import seed_money
from participation.models import (
    Contribution,
    OutboxMessage,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)
from participation.services import activities, contributions
from participation.services.access import save_access_needs
from participation.services.invitations import invite, revoke
from participation.services.webhooks import add_webhook, switch
from participation.tokens import invitation_token, unsubscribe_token
from projects import services
from projects.models import Choice, Gate, Membership, Project, Role, Stage
from projects.services import closing as gate_closing
from projects.services import gates
from tests.factories import PASSWORD

# Long enough to push a naive layout sideways at any text size, short enough to be accepted.
LONG_EMAIL = (
    "margaret.oyelaran-fitzwilliam.peer.researcher"
    "@northern-recovery-and-housing-collective.example.org"
)


@dataclass(frozen=True)
class Entry:
    """One page type: where it is, who looks at it, and how to reach its error state.

    `fill` maps field names (not labels, which other work may reword) to what is typed;
    `submit` sends the page's first POST form in <main> after filling; `template` serves a
    template in place of the page, for the one page a healthy server cannot be made to show
    (the 500 page).
    """

    name: str
    path: str
    persona: str | None = None
    fill: tuple[tuple[str, str], ...] = ()
    submit: bool = False
    template: str = ""


@dataclass
class Catalogue:
    people: dict[str, Any]
    entries: list[Entry] = field(default_factory=list)

    def entry(self, name: str) -> Entry:
        """The entry called `name`; KeyError if there is none."""
        for entry in self.entries:
            if entry.name == name:
                return entry
        raise KeyError(name)


def team(title: str, people: dict[str, Any]) -> Project:
    """A project led by the practitioner, with an expert co-lead, a second expert, a second
    practitioner and a commissioner."""
    lead = people["practitioner"]
    project = services.create_project(
        creator=lead,
        title=title,
        summary="People who use the service and people who run it decide together.",
        creator_role=Role.PRACTITIONER,
    )
    for name, role, co_lead in (
        ("expert", Role.EXPERT_BY_EXPERIENCE, True),
        ("expert2", Role.EXPERT_BY_EXPERIENCE, False),
        ("practitioner2", Role.PRACTITIONER, False),
        ("commissioner", Role.COMMISSIONER, False),
    ):
        services.add_member(
            project=project, user=people[name], role=role, actor=lead, is_co_lead=co_lead
        )
    return project


def _move(project: Project, stage: Stage, people: dict[str, Any]) -> Project:
    services.change_stage(project=project, to=stage, actor=people["practitioner"], reason="test")
    return Project.objects.get(pk=project.pk)


def _open(project: Project, people: dict[str, Any], proposal: str) -> Gate:
    project = Project.objects.get(pk=project.pk)
    Contribution.objects.create(
        project=project,
        author=people["expert"],
        stage=project.stage,
        body="Keep the evening drop-in: people who work days cannot come at noon.",
    )
    gate = gates.draft_gate(
        project=project,
        actor=people["practitioner"],
        proposal=proposal,
        what_changes="The service opens three evenings a week, with a peer worker on each shift.",
    )
    return gates.open_gate(gate=gate, actor=people["practitioner"])


# The four voters every project built by _team has.
TEAM = ("expert", "expert2", "practitioner", "practitioner2")


def _vote(
    gate: Gate, people: dict[str, Any], voters: tuple[str, ...] = TEAM, objecting: str = ""
) -> None:
    """Everyone in `voters` approves, except `objecting`, who objects with a reason."""
    for name in voters:
        if name == objecting:
            reason = "The hours do not suit people who work nights."
            gates.cast_vote(gate=gate, voter=people[name], choice=Choice.OBJECT, reason=reason)
        else:
            gates.cast_vote(gate=gate, voter=people[name], choice=Choice.APPROVE)


def seed(people: dict[str, Any]) -> Catalogue:
    """Build the catalogue's projects for `people` (the personas of tests/conftest.py plus
    `practitioner3`) and list its pages. `people["practitioner"]` leads every project."""
    lead = people["practitioner"]
    ensure_built_in()  # the survey pages need the questionnaires a live-server test emptied
    housing = Project.objects.get(pk=people["project"].pk)
    services.add_member(
        project=housing, user=people["practitioner3"], role=Role.PRACTITIONER, actor=lead
    )

    # Housing First: an idea with a response, a decision that passed over one objection
    # (answered), now an open vote that Erin has cast and Eli has not.
    idea = contributions.add_contribution(
        project=housing,
        author=people["expert2"],
        kind="idea",
        body="Let people bring their dogs. Many of us would rather sleep out than leave them.",
    )
    contributions.respond(
        contribution=idea, responder=lead, body="Dogs are welcome from May.", outcome="done"
    )
    passed = _open(housing, people, "Move to delivery with evening drop-ins.")
    _vote(passed, people, (*TEAM, "practitioner3"), objecting="practitioner2")
    objection = passed.votes.get(choice=Choice.OBJECT)
    gates.respond_to_objection(
        objection=objection,
        actor=lead,
        body="We will add a late shift from the second month.",
        outcome="done",
    )
    # The design stage ended: Erin has answered how it went, Eli has not yet.
    save_answers(
        membership=housing.memberships.get(user=people["expert"]),
        instrument=Instrument.objects.get(key="stage-check"),
        moment=Moment.STAGE_END,
        stage=Stage.DESIGN,
        answers={"rung": 6, "equality": 4, "comment": "Evening meetings meant I could come."},
        named=True,
    )
    open_vote = _open(housing, people, "Ask the council to commission the service for two years.")
    _vote(open_vote, people, ("expert",))

    # Money in Housing First: a policy with a rate change; Eli's claims, one refused.
    seed_money(
        housing, lead=lead, claimants=[people["expert"], people["expert2"], people["expert2"]]
    )

    # Recovery café: a withdrawn draft, then a decision that passed and waits for sign-off.
    cafe = _move(team("Recovery café commissioning", people), Stage.COMMISSIONING, people)
    withdrawn = gates.draft_gate(
        project=cafe, actor=lead, proposal="Award the contract.", what_changes="Funding."
    )
    gates.withdraw_gate(gate=withdrawn, actor=lead)
    waiting = _open(cafe, people, "Award the recovery café contract for three years.")
    _vote(waiting, people)

    # Night shelter: a decision that passed and was signed off.
    shelter = _move(team("Night shelter redesign", people), Stage.COMMISSIONING, people)
    assured = _open(shelter, people, "Fund the redesigned night shelter.")
    _vote(assured, people)
    gates.record_signoff(
        gate=assured,
        commissioner=people["commissioner"],
        assured=True,
        reasons="Experts by experience led two of the three workshops and chaired the panel.",
    )

    # Peer mentoring: a decision the experts by experience refused, answered, and a draft.
    mentoring = team("Peer mentoring for people leaving prison", people)
    refused = _open(mentoring, people, "Start mentoring with volunteers only.")
    _vote(refused, people, objecting="expert2")
    gates.respond_to_objection(
        objection=refused.votes.get(choice=Choice.OBJECT),
        actor=lead,
        body="Mentors will be paid for their time.",
        outcome="not_done",
    )
    Contribution.objects.create(
        project=mentoring, author=people["expert"], stage=mentoring.stage, body="Pay mentors."
    )
    draft = gates.draft_gate(
        project=mentoring,
        actor=lead,
        proposal="Start mentoring with paid peer mentors.",
        what_changes="Six mentors start in March.",
    )

    # Winter outreach: voting ended with too few votes.
    outreach = team("Winter outreach pilot", people)
    too_few = _open(outreach, people, "Run the outreach van every night in January.")
    _vote(too_few, people, ("expert",))
    assert too_few.closes_at is not None
    gate_closing.close_gate(gate_id=too_few.pk, now=too_few.closes_at + timedelta(hours=1))

    # Invitations: one waiting to a very long address, one by text message, one withdrawn and
    # one expired.
    waiting_invite = invite(
        project=housing,
        role=Role.EXPERT_BY_EXPERIENCE,
        inviter=lead,
        email=LONG_EMAIL,
        name="Margaret",
        message="We would love your view on the evening drop-in.",
    ).invitation
    invite(project=housing, role=Role.PRACTITIONER, inviter=lead, phone="07700900123")
    withdrawn_invite = invite(
        project=housing, role=Role.PRACTITIONER, inviter=lead, email="gone@example.org"
    ).invitation
    revoke(invitation=withdrawn_invite)
    expired_invite = invite(
        project=housing,
        role=Role.EXPERT_BY_EXPERIENCE,
        inviter=lead,
        email="late@example.org",
        now=timezone.now() - timedelta(days=30),
    ).invitation

    # Eli's access needs, for the co-leads' summary.
    save_access_needs(
        user=people["expert2"],
        consent_given=True,
        large_print=True,
        interpreter_language="Polish",
        contact_by="text",
        support_person_name="Sam Okafor",
        support_person_contact="07700 900456 (weekday mornings)",
        timing="Mornings, with a break every hour",
        briefing=True,
        anything_else="Papers a week before, please: reading takes me a while.",
    )

    unconfirmed = EmailAddress.objects.create(
        user=people["outsider"], email="olu.new@example.org", verified=False, primary=False
    )
    member_cam = Membership.objects.get(project=housing, user=people["commissioner"])

    def project(name: str, slug: str, *args: Any) -> str:
        return reverse(name, args=[slug, *args])

    # Housing First activities: a workshop coming up (with an adjustment asked for) and one
    # held last week, with attendance recorded.
    workshop = activities.plan_activity(
        project=housing,
        actor=lead,
        kind="workshop",
        title="Designing the evening drop-in",
        starts_at=timezone.now() + timedelta(days=5),
        duration_minutes=120,
        place="Brixton Library, room 2 (step-free entrance on the side street)",
        video_link="https://video.example.org/housing-first-drop-in-workshop",
        preparation_minutes=30,
    )
    activities.ask_for_adjustment(
        activity=workshop, user=people["expert2"], need="Large print papers, and a break each hour."
    )
    held = activities.plan_activity(
        project=housing,
        actor=lead,
        kind="meeting",
        title="Planning meeting",
        starts_at=timezone.now() - timedelta(days=7),
        duration_minutes=60,
        place="Online",
    )
    activities.record_attendance(
        activity=held,
        actor=lead,
        presence={people["expert2"].pk: "attended", lead.pk: "attended"},
    )

    called_off = activities.plan_activity(
        project=housing,
        actor=lead,
        kind="meeting",
        title="Visit to the day centre",
        starts_at=timezone.now() + timedelta(days=9),
        duration_minutes=60,
        place="Lambeth day centre",
    )
    activities.cancel_activity(
        activity=called_off, actor=lead, reason="The day centre is closed for repairs that week."
    )

    # The evaluation report: a summary saved twice (so an earlier version is kept) and a
    # finding from the meeting held last week.
    summary = {
        "aim": "Design an evening drop-in with the people who will use it.",
        "taking_part": "Experts by experience chaired the planning meetings.",
    }
    save_summary(project=housing, author=people["expert"], based_on=0, parts=summary)
    save_summary(
        project=housing,
        author=lead,
        based_on=1,
        parts={**summary, "results": "Drop-in hours now run until 9 in the evening."},
    )
    add_finding(
        project=housing,
        author=people["expert2"],
        title="Evening sessions suit people in work",
        found="Four of the six people we spoke to could not come during the day.",
        method="Six interviews at the day centre",
        activity=held,
    )

    hook = _webhook(housing, lead)

    h, c, s, m = housing.slug, cafe.slug, shelter.slug, mentoring.slug
    invitation = f"/invitations/{invitation_token(waiting_invite)}/"
    pages = [
        # Signed out
        Entry("Home", "/"),
        *_form(
            "Sign in",
            reverse("account_login"),
            None,
            "Sign in, wrong password",
            ("login", "expert@example.org"),
            ("password", "not-the-password"),
        ),
        *_form("Sign up", reverse("account_signup"), None, "Sign up, nothing typed"),
        Entry("Sign in by code", reverse("account_request_login_code")),
        Entry(
            "Enter the sign-in code",
            reverse("account_request_login_code"),
            fill=(("email", "expert@example.org"),),
            submit=True,
        ),
        Entry("Forgotten password", reverse("account_reset_password")),
        Entry("Password reset sent", reverse("account_reset_password_done")),
        Entry("Check your email", reverse("account_email_verification_sent")),
        Entry(
            "Confirm an email address",
            reverse("account_confirm_email", args=[EmailConfirmationHMAC(unconfirmed).key]),
        ),
        Entry("Invitation", invitation),
        *_form(
            "Join from an invitation",
            f"{invitation}join/",
            None,
            "Join from an invitation, no name",
            ("name", ""),
        ),
        Entry("Text me a code", reverse("account_request_login_code_by_text")),
        Entry("Invitation withdrawn", f"/invitations/{invitation_token(withdrawn_invite)}/"),
        Entry("Invitation expired", f"/invitations/{invitation_token(expired_invite)}/"),
        Entry("Invitation link unknown", "/invitations/no-such-link/"),
        Entry(
            "Stop messages",
            reverse(
                "participation:unsubscribe",
                args=[unsubscribe_token(people["expert2"].pk, "decisions")],
            ),
        ),
        Entry("Page not found", "/no-such-page/"),
        Entry("Something went wrong", "/", template="500.html"),
        # An expert by experience, not a co-lead
        Entry("My projects", reverse("dashboard"), "expert2"),
        Entry("Project overview", project("projects:detail", h), "expert2"),
        Entry("Members", project("projects:members", h), "expert2"),
        Entry("Decisions", project("projects:gates", h), "expert2"),
        *_form(
            "A vote, not yet cast",
            open_vote.get_absolute_url(),
            "expert2",
            "A vote, nothing chosen",
        ),
        Entry("A vote, already cast", open_vote.get_absolute_url(), "expert"),
        Entry(
            "An open vote, easy read",
            project("projects:gate_easy_read", open_vote.project.slug, open_vote.pk),
            "expert2",
        ),
        Entry("A result with an objection", passed.get_absolute_url(), "expert2"),
        Entry("A refused decision", refused.get_absolute_url(), "expert2"),
        Entry("A decision waiting for sign-off", waiting.get_absolute_url(), "expert2"),
        Entry("A signed-off decision", assured.get_absolute_url(), "expert2"),
        Entry("A withdrawn proposal", withdrawn.get_absolute_url(), "expert2"),
        Entry("A vote with too few votes", too_few.get_absolute_url(), "expert2"),
        *_form("Ideas", project("contributions:list", h), "expert2", "Ideas, nothing typed"),
        Entry("Activities", project("activities:list", h), "expert2"),
        *_form(
            "An activity",
            workshop.get_absolute_url(),
            "expert2",
            "An activity, no reply chosen",
        ),
        Entry("An activity, co-lead", workshop.get_absolute_url(), "practitioner"),
        *_form(
            "Plan an activity",
            project("activities:new", h),
            "practitioner",
            "Plan an activity, nothing typed",
        ),
        Entry("Who took part", project("activities:attendance", h, held.pk), "practitioner"),
        Entry("A cancelled activity", called_off.get_absolute_url(), "expert2"),
        *_form(
            "Cancel an activity",
            project("activities:cancel", h, workshop.pk),
            "practitioner",
            "Cancel an activity, reason too long",
            ("reason", "x" * 1001),
        ),
        *_form("Expenses", project("payments:expenses", h), "expert2", "Expenses, nothing typed"),
        *_form(
            "Evaluation report",
            project("reports:report", h),
            "expert2",
            "Evaluation report, summary emptied",
            *[(f"summary-{part}", "") for part in summary],
        ),
        Entry("Evaluation report, commissioner", project("reports:report", h), "commissioner"),
        Entry("History", project("projects:history", h), "expert2"),
        Entry("Leave the project", project("projects:leave", h), "expert2"),
        Entry("Messages I get", reverse("participation:preferences"), "expert2"),
        *_form(
            "My access needs",
            reverse("access:mine"),
            "expert2",
            "My access needs, no interpreter language kept",
            ("interpreter_language", "x" * 81),
        ),
        *_form(
            "Access needs, first time",
            reverse("access:mine"),
            "expert",
            "Access needs, no consent ticked",
        ),
        *_form(
            "What I agree to",
            reverse("consent:mine"),
            "expert2",
            "What I agree to, not all chosen",
        ),
        Entry("My page", reverse("my:page"), "expert2"),
        *_form("API tokens", reverse("api_tokens"), "expert2", "API tokens, nothing typed"),
        Entry(
            "API tokens, a new one shown once",
            reverse("api_tokens"),
            "expert2",
            fill=(("name", "Council performance report"),),
            submit=True,
        ),
        Entry("API documentation", reverse("api:docs")),
        *_form(
            "A survey to answer",
            survey_url(h, "stage-check", Moment.STAGE_END, Stage.DESIGN),
            "expert2",
            "A survey, nothing answered",
        ),
        Entry(
            "Survey answers saved",
            reverse(
                "surveys:saved",
                kwargs={"slug": h, "key": "stage-check", "moment": "stage_end", "stage": "design"},
            ),
            "expert",
        ),
        *_form(
            "Delete my account",
            reverse("my:delete"),
            "expert2",
            "Delete my account, box not ticked",
        ),
        Entry("Not allowed", project("projects:settings", h), "expert2"),
        Entry("Sign out", reverse("account_logout"), "expert2"),
        Entry("Email addresses", reverse("account_email"), "expert2"),
        Entry("Confirm it is you", reverse("account_reauthenticate"), "expert2"),
        # Setting up two-factor sign-in asks for the password first, then shows the QR code.
        Entry(
            "Set up two-factor sign-in",
            reverse("mfa_activate_totp"),
            "expert2",
            fill=(("password", PASSWORD),),
            submit=True,
        ),
        *_form(
            "Change password",
            reverse("account_change_password"),
            "expert2",
            "Change password, nothing typed",
        ),
        Entry("Invitation for another account", invitation, "outsider"),
        # A co-lead who runs the project
        Entry("My projects, co-lead", reverse("dashboard"), "practitioner"),
        Entry("Project overview, co-lead", project("projects:detail", h), "practitioner"),
        Entry("Members, co-lead", project("projects:members", h), "practitioner"),
        Entry(
            "Remove a member",
            project("projects:member_remove", h, member_cam.pk),
            "practitioner",
        ),
        *_form(
            "Settings",
            project("projects:settings", h),
            "practitioner",
            "Settings, quorum too big",
            ("quorum", "1.5"),
        ),
        *_form(
            "Invitations",
            project("participation:invitations", h),
            "practitioner",
            "Invitations, nothing typed",
        ),
        *_form(
            "Invite a list",
            project("participation:bulk_invite", h),
            "practitioner",
            "Invite a list, checked",
            (
                "csv_text",
                f"name,email,phone,role\nMargaret,{LONG_EMAIL},,expert\n"
                "Sam,sam@example.org,,expert\nBad,not-an-email,,practitioner",
            ),
        ),
        Entry("Expenses, co-lead", project("payments:expenses", h), "practitioner"),
        Entry("Expenses, my payments", project("payments:expenses", h), "expert"),
        *_form(
            "Payments",
            project("payments:list", h),
            "practitioner",
            "Payments, a date paid but not paid",
            ("paid_on", "2026-01-01"),
        ),
        *_form(
            "Payment policy",
            project("payments:policy", h),
            "practitioner",
            "Payment policy, nothing typed",
        ),
        *_form(
            "A result, answering objections",
            passed.get_absolute_url(),
            "practitioner",
            "An objection's response, words taken out",
            ("body", ""),
        ),
        Entry("Ideas, co-lead answering", project("contributions:list", h), "practitioner"),
        Entry("Access needs, co-lead", project("access:summary", h), "practitioner"),
        *_form(
            "Webhooks",
            project("webhooks:list", h),
            "practitioner",
            "Webhooks, an address not allowed",
            ("url", f"ftp://{LONG_EMAIL.replace('@', '.')}/coproduce"),
        ),
        Entry(
            "A webhook and its deliveries", project("webhooks:detail", h, hook.pk), "practitioner"
        ),
        Entry("A draft proposal", draft.get_absolute_url(), "practitioner"),
        Entry("Propose a decision", project("projects:gate_new", outreach.slug), "practitioner"),
        Entry("Propose while one is under way", project("projects:gate_new", c), "practitioner"),
        Entry("Decisions, co-lead", project("projects:gates", m), "practitioner"),
        *_form(
            "Start a project",
            reverse("projects:new"),
            "practitioner",
            "Start a project, nothing typed",
        ),
        # A commissioner
        Entry("My projects, commissioner", reverse("dashboard"), "commissioner"),
        Entry("A decision to sign off", waiting.get_absolute_url(), "commissioner"),
        *_form(
            "Sign-off",
            project("projects:gate_signoff", c, waiting.pk),
            "commissioner",
            "Sign-off, nothing chosen",
        ),
        Entry("Night shelter, signed off", project("projects:detail", s), "commissioner"),
        Entry("The portfolio", reverse("portfolio:portfolio"), "commissioner"),
        Entry("The portfolio, not a commissioner", reverse("portfolio:portfolio"), "expert2"),
        # Site staff, who must use two-factor sign-in
        Entry(
            "Two-factor sign-in",
            reverse("account_login"),
            fill=(("login", people["superuser"].email), ("password", PASSWORD)),
            submit=True,
        ),
        Entry("Two-factor settings", reverse("mfa_index"), "superuser"),
    ]
    return Catalogue(people=people, entries=pages)


def _webhook(project: Project, lead: Any) -> Webhook:
    """A webhook to a long address, its secret still shown to `lead`, with a delivery that
    failed and one that went. It is off, so that nothing a browser test does sends anything."""
    hook, _added = add_webhook(
        project=project,
        actor=lead,
        url=f"https://{LONG_EMAIL.split('@')[1]}/hooks/coproduce-decisions?organisation=lambeth",
        events=list(WebhookEvent.values),
    )
    switch(webhook=hook, actor=lead, active=False)
    now = timezone.now()
    for status, event, attempts, code, error in (
        ("sent", "decision.made", 1, 200, ""),
        ("failed", "stage.changed", 10, 503, "The receiver answered 503 Service Unavailable."),
    ):
        message = OutboxMessage.objects.create(
            kind="webhook",
            occasion=f"ping:catalogue-{status}",
            recipient=hook.recipient,
            channel="webhook",
            project=project,
            data={"event": event},
            status=status,
            attempts=attempts,
            last_error=error,
            sent_at=now if status == "sent" else None,
        )
        WebhookDelivery.objects.create(
            message=message, webhook=hook, response_code=code, response_ms=840
        )
    return hook


def _form(
    name: str, path: str, persona: str | None, sent: str, *fill: tuple[str, str]
) -> list[Entry]:
    """A page with a form, and the page that comes back when it is sent with `fill` typed."""
    page = Entry(name, path, persona)
    return [page, replace(page, name=sent, fill=fill, submit=True)]


def sign_in_as(page: Page, base_url: str, user: Any) -> None:
    """Give the browser (and only it) a signed-in session for `user`."""
    from django.conf import settings

    page.context.clear_cookies()
    if user is None:
        return
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


def open_entry(page: Page, base_url: str, catalogue: Catalogue, entry: Entry) -> None:
    """Show `entry` in `page` as its persona: load it, fill it, send it if the entry says so."""
    sign_in_as(page, base_url, catalogue.people.get(entry.persona) if entry.persona else None)
    if entry.template:
        html = render_to_string(entry.template)
        page.route(
            base_url + entry.path,
            lambda route: route.fulfill(status=500, body=html, content_type="text/html"),
        )
        page.goto(base_url + entry.path)
        page.unroute(base_url + entry.path)
        return
    page.goto(base_url + entry.path)
    for name, value in entry.fill:
        page.locator(f'main [name="{name}"]').first.fill(value)
    if entry.submit:
        form = page.locator('main form[method="post"]').first
        # The browser's own checks would stop an empty form; the error state under test is
        # the site's, which is what a browser without those checks (or a stale page) gets.
        form.evaluate("form => { form.noValidate = true; }")
        with page.expect_navigation():
            form.locator('[type="submit"]').first.click()
