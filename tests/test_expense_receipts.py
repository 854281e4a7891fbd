"""A receipt with an expense claim: only photos and PDFs up to 5 MB, judged by their bytes;
handed only to the person who claimed and to co-leads, as a download; gone when the person
deletes their account."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participation import receipts
from participation.models import Expense
from participation.services.my_data import person_record
from projects.models import Project
from tests.error_pattern import assert_error_page

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.7\n" + b"\x00" * 100
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100
HEIF = b"\x00\x00\x00\x14ftypmif1\x00\x00\x00\x00mif1" + b"\x00" * 100
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 100
HTML = b"<html><script>alert(1)</script></html>"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Iterator[Path]:
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(date(2026, 6, 15), tick=False):
        yield settings.MEDIA_ROOT


def expenses_url(project: Project) -> str:
    return reverse("payments:expenses", args=[project.slug])


def receipt_url(expense: Expense) -> str:
    return reverse("payments:receipt", args=[expense.project.slug, expense.pk])


def claim(client: Any, project: Project, content: bytes, name: str = "Jo Bloggs bus.jpg") -> Any:
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    data = {"spent_on": "12/6/2026", "category": "travel", "amount": "4.50", "receipt": upload}
    return client.post(expenses_url(project), data)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (PDF, "application/pdf"),
        (HEIC, "image/heic"),
        (HEIF, "image/heif"),
    ],
)
def test_a_photo_or_pdf_is_kept_under_a_random_name_with_its_type_read_from_its_bytes(
    client, project, expert2, content, kind
):
    client.force_login(expert2)
    assert claim(client, project, content).status_code == 302
    expense = Expense.objects.get()
    assert expense.receipt_type == kind
    assert expense.receipt.name.startswith(f"receipts/project-{project.pk}/")
    assert "Bloggs" not in expense.receipt.name
    assert expense.receipt.name.endswith(receipts.EXTENSIONS[kind])
    assert Path(expense.receipt.path).read_bytes() == content


@pytest.mark.parametrize(
    ("content", "name"),
    [(HTML, "receipt.jpg"), (MP4, "receipt.heic"), (b"MZ\x90\x00", "receipt.pdf")],
)
def test_a_file_that_is_not_a_photo_or_pdf_is_refused_whatever_its_name(
    client, project, expert2, content, name, _media
):
    client.force_login(expert2)
    html = assert_error_page(claim(client, project, content, name), field_id="id_receipt")
    assert "The receipt must be a photo (JPEG, PNG or HEIC) or a PDF." in html
    assert not Expense.objects.exists()
    assert not Path(_media).exists() or not any(Path(_media).rglob("*.*"))


def test_a_receipt_over_5_mb_is_refused_in_plain_words(client, project, expert2):
    client.force_login(expert2)
    big = JPEG + b"\x00" * receipts.MAX_BYTES
    html = assert_error_page(claim(client, project, big), field_id="id_receipt")
    assert "The receipt must be smaller than 5 MB." in html
    assert not Expense.objects.exists()


def test_the_claim_form_takes_a_file_or_a_phone_photo(client, project, expert2):
    client.force_login(expert2)
    html = client.get(expenses_url(project)).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/*,application/pdf"' in html


def test_a_double_tap_makes_one_claim_and_keeps_one_file(client, project, expert2, _media):
    client.force_login(expert2)
    for _ in range(2):
        assert claim(client, project, PNG).status_code == 302
    assert Expense.objects.count() == 1
    assert len(list(Path(_media).rglob("*.png"))) == 1


def test_only_the_claimant_and_co_leads_download_a_receipt(
    client, project, expert, expert2, practitioner2, outsider
):
    client.force_login(expert2)
    claim(client, project, PDF)
    expense = Expense.objects.get()
    for person in (expert2, expert):  # the claimant, a co-lead
        client.force_login(person)
        response = client.get(receipt_url(expense))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(practitioner2)
    assert client.get(receipt_url(expense)).status_code == 403
    client.force_login(outsider)
    assert client.get(receipt_url(expense)).status_code == 404
    client.logout()
    assert client.get(receipt_url(expense)).status_code == 302


def test_the_claimant_and_co_leads_see_a_link_to_the_receipt(client, project, expert, expert2):
    client.force_login(expert2)
    claim(client, project, PDF)
    link = receipt_url(Expense.objects.get())
    assert link in client.get(expenses_url(project)).content.decode()
    client.force_login(expert)
    assert link in client.get(expenses_url(project)).content.decode()


def test_a_claim_without_a_receipt_has_nothing_to_download(client, project, expert2):
    client.force_login(expert2)
    data = {"spent_on": "12/6/2026", "category": "travel", "amount": "4.50"}
    assert client.post(expenses_url(project), data).status_code == 302
    expense = Expense.objects.get()
    assert not expense.receipt
    assert client.get(receipt_url(expense)).status_code == 404


def test_deleting_an_account_deletes_the_receipt_file_and_my_data_says_one_was_held(
    client, project, expert2, django_capture_on_commit_callbacks
):
    client.force_login(expert2)
    claim(client, project, JPEG)
    expense = Expense.objects.get()
    stored = Path(expense.receipt.path)
    assert stored.exists()
    assert person_record(expert2)["expenses"][0]["receipt_held"] is True

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("my:delete"), {"confirm": "on"}).status_code == 302

    expense.refresh_from_db()
    assert not stored.exists()
    assert (expense.receipt.name, expense.receipt_type) == ("", "")
    assert expense.amount == 4.5, "the claim itself stays"
    assert person_record(expert2)["expenses"][0]["receipt_held"] is False
