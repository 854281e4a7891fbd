"""Receipts attached to expense claims: what may be uploaded, and where it is kept.

A receipt is at most `MAX_BYTES` and is a JPEG, PNG, HEIC/HEIF (what phone cameras save) or
PDF. The type is read from the file's first bytes, never trusted from its name or from what the
browser says, so a web page or a program renamed to "receipt.jpg" is refused. The stored name
is random: the uploaded name (which can hold a person's name) is never kept.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Protocol

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Expense

MAX_BYTES = 5 * 1024 * 1024
# What the file input offers; a phone shows its camera for "image/*".
ACCEPT = "image/*,application/pdf"
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/heic": ".heic",
    "image/heif": ".heif",
    "application/pdf": ".pdf",
}
# ISO base media "ftyp" brands: HEVC-coded pictures are HEIC; the rest of HEIF is HEIF.
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}
HEIF_BRANDS = {b"mif1", b"msf1"}

TOO_BIG = _("The receipt must be smaller than 5 MB. Take a new photo, or choose a smaller file.")
WRONG_TYPE = _("The receipt must be a photo (JPEG, PNG or HEIC) or a PDF.")


class Upload(Protocol):
    """What `content_type` needs of an uploaded file (Django's UploadedFile has it)."""

    size: int | None

    def seek(self, offset: int, whence: int = ...) -> int: ...
    def read(self, size: int = ...) -> bytes: ...


class ReceiptRefused(ValueError):
    """The file is too big or not an allowed type; str() is the message for the person."""


def sniff(head: bytes) -> str | None:
    """The content type that the first bytes of a file show, or None if not an allowed one."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[4:8] == b"ftyp":
        # The major brand, then the compatible brands, up to the end of the "ftyp" box.
        size = int.from_bytes(head[0:4], "big")
        box = head[8 : max(16, min(size, len(head)))]
        brands = {box[i : i + 4] for i in range(0, len(box) - 3, 4)}
        brands.discard(box[4:8])  # the minor version, not a brand
        if brands & HEIC_BRANDS:
            return "image/heic"
        if brands & HEIF_BRANDS:
            return "image/heif"
    return None


def content_type(upload: Upload) -> str:
    """The checked content type of `upload`. Raises ReceiptRefused if it is bigger than
    `MAX_BYTES` or its bytes are not a JPEG, PNG, HEIC/HEIF or PDF."""
    if upload.size is None or upload.size > MAX_BYTES:
        raise ReceiptRefused(TOO_BIG)
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    found = sniff(head)
    if found is None:
        raise ReceiptRefused(WRONG_TYPE)
    return found


def upload_to(instance: Expense, filename: str) -> str:
    """receipts/project-<id>/<random><extension of the checked type>; `filename` is ignored."""
    extension = EXTENSIONS.get(instance.receipt_type, "")
    return f"receipts/project-{instance.project_id}/{secrets.token_urlsafe(18)}{extension}"
