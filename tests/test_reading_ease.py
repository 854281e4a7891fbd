"""Every page's own words (help texts, hints, errors, intros) read as plain English: Flesch
reading ease of at least 60, measured by textstat (see tests/reading.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from coproduce.models import User
from participation.models import InboundText, TextOutcome
from participation.services import invitations, webhooks
from projects import services
from projects.models import Project, Role
from tests.factories import PASSWORD
from tests.gate_helpers import objection_after_close, open_gate
from tests.participation_fixtures import invitation_path
from tests.reading import PLAIN_ENGLISH, Reading, reading_of

pytestmark = pytest.mark.django_db

Page = tuple[str, Any, str, dict[str, str] | None]  # (name, persona or None, path, POST data)


@pytest.fixture
def pages(
    project: Project,
    practitioner: Any,
    expert: Any,
    expert2: Any,
    practitioner2: Any,
    commissioner: Any,
    outsider: Any,
    superuser: Any,
    django_capture_on_commit_callbacks: Any,
    instruments: None,
) -> list[Page]:
    """Every kind of page a person meets, in normal and error states, with who sees it."""
    slug = project.slug
    project.signoff_every_gate = True
    project.save(update_fields=["signoff_every_gate"])
    closed = open_gate(project, practitioner, expert)
    objection_after_close(closed, [practitioner, expert, practitioner2], expert2)
    # The open vote is in a second project with the same people, so the first keeps an
    # objection waiting for its response and a decision waiting for sign-off.
    other = services.create_project(
        creator=practitioner,
        title="Evening drop-in",
        summary="Open three evenings a week.",
        creator_role=Role.PRACTITIONER,
    )
    for person, role in (
        (expert, Role.EXPERT_BY_EXPERIENCE),
        (expert2, Role.EXPERT_BY_EXPERIENCE),
        (practitioner2, Role.PRACTITIONER),
    ):
        services.add_member(project=other, user=person, role=role, actor=practitioner)
    open_ = open_gate(other, practitioner, expert)
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invite(
            project=project,
            role=Role.EXPERT_BY_EXPERIENCE,
            inviter=practitioner,
            email="new.person@example.org",
            name="Kim",
        )
    link = invitation_path(str(mail.outbox[-1].body))
    text = InboundText.objects.create(
        provider="fake",
        message_id="reading-1",
        sender="+447700900123",
        body="Can someone ring me",
        user=expert2,
        outcome=TextOutcome.NOT_UNDERSTOOD,
        reply="Sorry, we did not understand. Reply YES, NO or PASS with the code.",
    )
    text.projects.add(project)

    hook, _added = webhooks.add_webhook(
        project=project,
        actor=practitioner,
        url="https://hooks.example.org/in",
        events=["decision.made"],
    )
    webhooks.send_test(webhook=hook)

    def url(name: str, webhook: Any) -> str:
        return reverse(name, args=[slug, webhook.pk])

    def project_url(name: str, **kwargs: Any) -> str:
        return reverse(f"projects:{name}", kwargs={"slug": slug, **kwargs})

    def other_url(name: str, **kwargs: Any) -> str:
        return reverse(f"projects:{name}", kwargs={"slug": other.slug, **kwargs})

    # Joining the second project asked each of them the impact survey.
    survey = reverse(
        "surveys:answer",
        kwargs={"slug": other.slug, "key": "impact", "moment": "joining", "stage": "design"},
    )

    return [
        ("home", None, reverse("home"), None),
        ("sign in", None, reverse("account_login"), None),
        (
            "sign in, wrong password",
            None,
            reverse("account_login"),
            {"login": "expert@example.org", "password": "wrong"},
        ),
        ("sign in with a code", None, reverse("account_request_login_code"), None),
        ("create an account", None, reverse("account_signup"), None),
        ("create an account, empty", None, reverse("account_signup"), {"email": ""}),
        ("reset password", None, reverse("account_reset_password"), None),
        ("invitation", None, link, None),
        ("join from an invitation", None, f"{link}join/", None),
        ("join, no name", None, f"{link}join/", {"name": ""}),
        ("text me a code", None, reverse("account_request_login_code_by_text"), None),
        (
            "two-factor sign-in",
            None,
            reverse("account_login"),
            {"login": superuser.email, "password": PASSWORD},
        ),
        ("my projects", expert, reverse("dashboard"), None),
        ("email addresses", expert, reverse("account_email"), None),
        ("password", expert, reverse("account_change_password"), None),
        ("two-factor", expert, reverse("mfa_index"), None),
        ("messages we send you", expert, reverse("participation:preferences"), None),
        ("overview", expert, project_url("detail"), None),
        ("members", practitioner, project_url("members"), None),
        ("decisions", expert, project_url("gates"), None),
        ("open vote", expert2, other_url("gate", pk=open_.pk), None),
        ("easy read", expert2, other_url("gate_easy_read", pk=open_.pk), None),
        ("texts to look at", practitioner, reverse("text_inbox:list", args=[slug]), None),
        ("open vote, nothing chosen", expert2, other_url("gate_vote", pk=open_.pk), {}),
        ("closed vote", expert, project_url("gate", pk=closed.pk), None),
        ("sign-off", commissioner, project_url("gate_signoff", pk=closed.pk), None),
        ("propose a decision", practitioner, project_url("gate_new"), None),
        ("history", expert, project_url("history"), None),
        ("settings", practitioner, project_url("settings"), None),
        ("webhooks", practitioner, reverse("webhooks:list", args=[slug]), None),
        ("webhooks, nothing typed", practitioner, reverse("webhooks:list", args=[slug]), {}),
        ("a webhook and its secret", practitioner, url("webhooks:detail", hook), None),
        ("delete a webhook", practitioner, url("webhooks:delete", hook), None),
        ("leave", expert2, project_url("leave"), None),
        ("ideas and comments", expert, reverse("contributions:list", args=[slug]), None),
        ("invitations", practitioner, reverse("participation:invitations", args=[slug]), None),
        ("start a project", practitioner, reverse("projects:new"), None),
        ("expenses", expert2, reverse("payments:expenses", args=[slug]), None),
        ("expenses, nothing typed", expert2, reverse("payments:expenses", args=[slug]), {}),
        ("expenses, co-lead", practitioner, reverse("payments:expenses", args=[slug]), None),
        ("payment policy", practitioner, reverse("payments:policy", args=[slug]), None),
        (
            "payment policy, nothing typed",
            practitioner,
            reverse("payments:policy", args=[slug]),
            {},
        ),
        ("portfolio", commissioner, reverse("portfolio:portfolio"), None),
        ("portfolio, not a commissioner", expert, reverse("portfolio:portfolio"), None),
        ("evaluation report", expert2, reverse("reports:report", args=[slug]), None),
        (
            "evaluation report, finding with nothing typed",
            expert2,
            reverse("reports:add_finding", args=[slug]),
            {},
        ),
        ("survey", expert, survey, None),
        ("survey, nothing chosen", expert, survey, {}),
        ("survey answers saved", expert2, survey, {"confidence": "4"}),
        ("not found", outsider, project_url("detail"), None),
    ]


def _read(client: Client, persona: Any, path: str, data: dict[str, str] | None) -> Reading:
    chosen_by_members = [
        *User.objects.values_list("display_name", flat=True),
        *Project.objects.values_list("title", flat=True),
    ]
    client.logout()
    if persona is not None:
        client.force_login(persona)
    # A sign-in goes on to its next step (two-factor sign-in), so POSTs follow redirects.
    response = client.get(path) if data is None else client.post(path, data, follow=True)
    assert response.status_code in (200, 400, 403, 404), (path, response.status_code)
    return reading_of(response.content.decode(), ignore=chosen_by_members)


def test_every_page_reads_as_plain_english(client: Client, pages: list[Page]) -> None:
    readings = {name: _read(client, persona, path, data) for name, persona, path, data in pages}
    hard = {name: r for name, r in readings.items() if r.ease < PLAIN_ENGLISH}
    by_ease = sorted(readings.items(), key=lambda item: item[1].ease)
    report = [f"{name}: {r.ease:.0f}" for name, r in by_ease]
    details = [
        f"\n{name} ({r.ease:.0f}), hardest sentences:\n"
        + "\n".join(f"  {score:6.1f}  {sentence}" for score, sentence in r.hardest())
        for name, r in hard.items()
    ]
    assert not hard, "Reading ease per page:\n" + "\n".join(report) + "".join(details)


def test_the_measure_finds_hard_words_and_skips_what_members_wrote() -> None:
    easy = reading_of("<main><p>You can vote now. It takes a minute.</p></main>")
    hard = reading_of(
        "<main><p>Notwithstanding the aforementioned considerations, authentication "
        "necessitates verification of institutional correspondence.</p></main>"
    )
    members_words = reading_of(
        '<main><p>Vote now.</p><p class="user-text">Notwithstanding institutional '
        "considerations necessitating verification.</p></main>"
    )
    assert easy.ease >= PLAIN_ENGLISH > hard.ease
    assert members_words.sentences == ("Vote now.",)
