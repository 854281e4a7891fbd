"""The last check of a project's hash chain, so that pages can say whether the record checks
out without reading the log (see `projects.services.record`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .project import Project


class Fault(models.TextChoices):
    # Each label completes "Entry 12 …".
    CHANGED = "changed", _("was changed after it was written")
    WORDING_CHANGED = "wording_changed", _("had its wording changed after it was written")
    MISSING = "missing", _("was removed")
    OUT_OF_PLACE = (
        "out_of_place",
        _("is out of place: it was moved, or an entry before it was removed or replaced"),
    )
    TAIL_REMOVED = "tail_removed", _("was removed from the end of the log")


class RecordCheck(models.Model):
    """One row per project, replaced by every check: what was checked, when, and the first
    fault found (none: the record checks out up to `entries`)."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="record_check", primary_key=True
    )
    checked_at = models.DateTimeField(_("last checked"))
    entries = models.PositiveIntegerField(_("entries checked"))
    # The last entry found sound, so the next check notices entries removed from the end.
    verified_seq = models.PositiveIntegerField(default=0)
    verified_hash = models.CharField(max_length=64, blank=True, default="")
    fault = models.CharField(max_length=20, choices=Fault.choices, blank=True, default="")
    fault_seq = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("record check")

    def __str__(self) -> str:
        return f"{self.project_id}: {self.entries} entries, {self.fault or 'sound'}"

    @property
    def sound(self) -> bool:
        return not self.fault
