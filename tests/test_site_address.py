"""One public address: every link the site sends starts with SITE_URL, whichever host the
request used, and `make run HOST=...` keeps SITE_URL in step with the address it serves."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from tests.test_accounts import sign_up

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = "http://127.0.0.1:8101"

pytestmark = pytest.mark.django_db


@override_settings(SITE_URL=PUBLIC)
def test_address_check_email_links_to_the_public_address_not_the_request_host(client: Client):
    sign_up(client)  # the test client's host is "testserver"

    body = str(mail.outbox[0].body)
    assert f"{PUBLIC}/accounts/confirm-email/" in body
    assert "testserver" not in body


@override_settings(SITE_URL=PUBLIC)
def test_sign_in_code_email_names_the_public_address(client: Client, user):
    client.post(reverse("account_request_login_code"), {"email": user.email})

    body = str(mail.outbox[0].body)
    assert "127.0.0.1:8101" in body
    assert "testserver" not in body


@override_settings(SITE_URL=PUBLIC)
def test_password_reset_link_leads_to_the_public_address(client: Client, user):
    client.post(reverse("account_reset_password"), {"email": user.email})

    body = str(mail.outbox[0].body)
    assert f"{PUBLIC}/accounts/password/reset/key/" in body
    assert "testserver" not in body


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize(
    ("environment", "expected"),
    [({}, "http://127.0.0.1:8101"), ({"SITE_URL": "https://coproduce.example.org"}, None)],
)
def test_make_run_sets_site_url_from_host_unless_it_is_set(tmp_path, environment, expected):
    # A stand-in for the virtualenv's python that reports what it was started with.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    python = bin_dir / "python"
    python.write_text('#!/bin/sh\necho "SITE_URL=$SITE_URL $*"\n')
    python.chmod(0o755)
    for stamp in (".installed-run", ".installed-dev"):
        (tmp_path / stamp).touch()
    clean = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "MAKEFLAGS")}
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own Makefile
        ["make", "-s", "run", f"VENV={tmp_path}", "HOST=127.0.0.1:8101"],  # noqa: S607
        cwd=ROOT,
        env={**clean, **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    wanted = expected or environment["SITE_URL"]
    assert f"SITE_URL={wanted} manage.py runserver 127.0.0.1:8101" in result.stdout


@override_settings(SITE_URL=PUBLIC, ACCOUNT_DEFAULT_HTTP_PROTOCOL="https")
def test_links_allauth_forces_to_https_still_lead_to_the_public_address(client: Client, user):
    client.post(reverse("account_reset_password"), {"email": user.email})

    assert f"{PUBLIC}/accounts/password/reset/key/" in str(mail.outbox[0].body)
