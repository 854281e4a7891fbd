from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from coproduce.demo import DEMO_PASSWORD, DEMO_PEOPLE
from coproduce.models import User

pytestmark = pytest.mark.django_db


def test_home_page_explains_the_platform_to_each_kind_of_user(client: Client):
    html = client.get(reverse("home")).content.decode()
    assert "If you have lived experience" in html
    assert "If you work in a service" in html
    assert "If you fund services" in html


def test_home_sends_signed_in_people_to_their_projects(client: Client, expert):
    client.force_login(expert)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("dashboard")


def test_dashboard_needs_sign_in(client: Client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_pages_send_a_strict_content_security_policy(client: Client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_seed_demo_is_idempotent_and_every_account_can_sign_in(client: Client):
    call_command("seed_demo", "--not-production", stdout=StringIO())
    call_command("seed_demo", "--not-production", stdout=StringIO())
    assert User.objects.count() == len(DEMO_PEOPLE)
    for email, _name, staff in DEMO_PEOPLE:
        response = client.post(
            reverse("account_login"), {"login": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, email
        assert User.objects.get(email=email).is_staff is staff
        client.logout()


def test_seed_demo_refuses_to_run_on_a_production_site(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_seed_demo_shows_the_participation_record():
    from participation.models import (
        Activity,
        Attendance,
        Contribution,
        InvolvementPayment,
        Presence,
    )
    from projects.models import Project

    call_command("seed_demo", "--not-production", stdout=StringIO())
    call_command("seed_demo", "--not-production", stdout=StringIO())
    for project in Project.objects.exclude(stage="closed"):
        # The design project also has the two paid sessions of the money demo.
        paid_sessions = 2 if project.slug == "demo-night-shelter" else 0
        assert Activity.objects.filter(project=project).count() == 2 + paid_sessions, project
        assert Attendance.objects.filter(
            activity__project=project, presence=Presence.ATTENDED
        ).exists()
    money = InvolvementPayment.objects.filter(project__slug="demo-night-shelter")
    assert set(money.values_list("status", flat=True)) == {"due", "paid", "declined"}
    assert money.overdue(date.today()).exists()
    ideas = Contribution.objects.filter(project__slug="demo-night-shelter")
    assert ideas.filter(response__isnull=False).count() == 1
    assert ideas.filter(response__isnull=True).exists()
