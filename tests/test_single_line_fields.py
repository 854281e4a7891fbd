"""Titles and names stay on one line, phone numbers are read as typed, and every email is sent."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from coproduce.contact import InvalidContact, normalise_phone
from coproduce.forms import SignupDetailsForm
from coproduce.models import User
from participation.forms.invitations import InviteForm
from participation.forms.notifications import PreferencesForm
from participation.models import Invitation
from participation.services import bulk, invitations
from participation.services.invitations import InvitationError
from projects import services
from projects.forms.projects import NewProjectForm, ProjectSettingsForm
from projects.models import Project, Role
from projects.services import ProjectError
from tests.gate_helpers import open_gate

pytestmark = pytest.mark.django_db

ONE_LINE = (
    "Write this on one line, without line breaks, tabs or other invisible control characters."
)
# A new line (the reported case), a header injection, a tab, NUL, escape, and Unicode's own
# line separator.
BROKEN = [
    "Housing First\nin Lambeth",
    "Housing First\r\nBcc: everyone@example.org",
    "Housing\tFirst",
    "Housing\x00First",
    "Housing\x1b[31mFirst",
    "Housing\u2028First",
]
PROJECT = {
    "summary": "Why.",
    "role": "practitioner",
    "decision_rule": "dual_key",
    "quorum": "0.5",
    "min_votes_per_bloc": "2",
    "voting_window_hours": "72",
}


@pytest.mark.parametrize("text", BROKEN)
def test_single_line_fields_refuse_line_breaks_and_control_characters_in_every_form(text):
    forms = [
        (NewProjectForm({**PROJECT, "title": text}), "title"),
        (ProjectSettingsForm({**PROJECT, "title": text}), "title"),
        (SignupDetailsForm({"display_name": text}), "display_name"),
        (
            InviteForm({"name": text, "email": "a@example.org", "role": "practitioner"}),
            "name",
        ),
    ]
    for form, field in forms:
        assert not form.is_valid()
        # NUL is refused by Django's own check first, in its own words.
        assert ONE_LINE in form.errors[field] or "\x00" in text, form.errors


@pytest.mark.parametrize("text", BROKEN)
def test_single_line_fields_refuse_line_breaks_in_the_model(text):
    for instance, field in [(Project(), "title"), (User(), "display_name"), (Invitation(), "name")]:
        model_field = instance._meta.get_field(field)
        assert isinstance(model_field, models.CharField)
        with pytest.raises(ValidationError, match="on one line"):
            model_field.clean(text, instance)


def test_names_with_accents_joiners_and_emoji_are_fine():
    for name in ["Zoë O'Brien-Ngũgĩ", "Ana 👩‍👩‍👧", "Siân"]:
        assert SignupDetailsForm({"display_name": name}).is_valid()


def test_services_refuse_a_title_or_name_that_is_not_one_line(project, practitioner):
    with pytest.raises(ProjectError, match="on one line"):
        services.create_project(
            creator=practitioner,
            title="Housing\nFirst",
            summary="Why.",
            creator_role=Role.PRACTITIONER,
        )
    with pytest.raises(ProjectError, match="on one line"):
        services.update_settings(
            project=project, actor=practitioner, changes={"title": "Housing\r\nFirst"}
        )
    with pytest.raises(InvitationError, match="on one line"):
        invitations.invite(
            project=project,
            role=Role.PRACTITIONER,
            inviter=practitioner,
            email="new@example.org",
            name="Sam\nBcc: x@example.org",
        )
    rows = bulk.check(project=project, text='"Sam\x07Jones",sam@example.org,,practitioner')
    assert rows[0].status == bulk.RowStatus.INVALID and "on one line" in rows[0].problem


def test_a_title_stored_with_a_line_break_no_longer_stops_the_emails_about_the_project(
    project, practitioner, expert, mailoutbox, django_capture_on_commit_callbacks
):
    # Saved before titles were checked (update() skips validation, as old data did).
    Project.objects.filter(pk=project.pk).update(title="Housing First\nin Lambeth")
    practitioner.display_name = "Pat\r\nPractitioner"
    User.objects.filter(pk=practitioner.pk).update(display_name="Pat\r\nPractitioner")
    project.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invite(
            project=project,
            role=Role.PRACTITIONER,
            inviter=practitioner,
            email="new@example.org",
            message="Come along.",
        )
        open_gate(project, practitioner, expert)
    subjects = [message.subject for message in mailoutbox]
    assert "Pat Practitioner invited you to join Housing First in Lambeth" in subjects
    assert any(
        subject.startswith("Voting is open: should Housing First in Lambeth")
        for subject in subjects
    )
    assert all("\n" not in subject and "\r" not in subject for subject in subjects)


# --- Phone numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "07700 9OO123",  # letter O for zero
        "077OO 9OO123",  # phonenumbers read this as +447766966123: someone else
        "0800-FLOWERS",
        "07700 900ABC",
        "07700 900123 x",
        "07700 900123;",
    ],
)
def test_a_phone_number_with_letters_or_stray_signs_is_refused_not_reinterpreted(typed):
    with pytest.raises(InvalidContact, match=r"(has letters in it|has signs we cannot read)"):
        normalise_phone(typed)
    form = PreferencesForm({"channel": "sms", "phone": typed})
    assert not form.is_valid() and "phone" in form.errors


@pytest.mark.parametrize(
    "typed", ["07700 900123", "07700-900-123", "07700.900.123", "(07700) 900123", "+44 7700 900123"]
)
def test_spaces_dashes_dots_brackets_and_a_leading_plus_are_fine(typed):
    assert normalise_phone(typed) == "+447700900123"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+447700900123", "07700 900123"),
        ("+33612345678", "+33 6 12 34 56 78"),
        ("", ""),
        ("not a number", "not a number"),
    ],
)
def test_a_stored_number_is_shown_the_way_people_in_the_country_write_it(stored, shown):
    from coproduce.contact import display_phone

    assert display_phone(stored) == shown


@pytest.mark.django_db
def test_the_messages_page_shows_a_saved_number_as_people_write_it(client, expert):
    from django.urls import reverse

    from participation.services.preferences import update_preferences

    update_preferences(user=expert, channel="sms", phone="07700 900123", topics=[])
    client.force_login(expert)
    page = client.get(reverse("participation:preferences")).content.decode()
    assert 'value="07700 900123"' in page and "+447700900123" not in page
