"""Bulk invitations from a CSV: every line checked and reported before anything is sent."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from participation.models import Invitation, OutboxMessage
from participation.services import bulk
from participation.services.bulk import RowStatus
from participation.services.invitations import invite
from projects.models import Role

pytestmark = pytest.mark.django_db

LIST = """name,email,phone,role
Sam Jones,sam@example.org,,expert by experience
Ali Khan,,07700 900123,Expert_by_experience
Eli Already,expert2@example.org,,practitioner
Sam Again,SAM@example.org,,practitioner
No Contact,,,practitioner
Bad Email,not-an-email,,practitioner
Bad Role,role@example.org,,boss
Priya Shah,priya@example.org,07700 900456,practitioner
"""


def url(project, name="bulk_invite"):
    return reverse(f"participation:{name}", args=[project.slug])


def outcomes(rows):
    return [(row.line, row.status) for row in rows]


def test_each_line_is_reported_and_nothing_is_sent_when_checking(project):
    rows = bulk.check(project=project, text=LIST)
    assert outcomes(rows) == [
        (2, RowStatus.READY),
        (3, RowStatus.READY),
        (4, RowStatus.MEMBER),
        (5, RowStatus.DUPLICATE),
        (6, RowStatus.INVALID),
        (7, RowStatus.INVALID),
        (8, RowStatus.INVALID),
        (9, RowStatus.READY),
    ]
    assert rows[3].outcome == "Not sent: the same person as line 2."
    assert rows[4].outcome == "Not sent: Give an email address or a mobile number, or both."
    assert "not a full email address" in rows[5].outcome
    assert "not “boss”" in rows[6].outcome
    assert rows[1].phone == "+447700900123" and rows[1].role == Role.EXPERT_BY_EXPERIENCE
    assert not Invitation.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_sending_invites_the_good_lines_and_reports_every_line(
    project, practitioner, mailoutbox, django_capture_on_commit_callbacks
):
    invite(project=project, role=Role.PRACTITIONER, inviter=practitioner, email="priya@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        rows = bulk.send(project=project, inviter=practitioner, text=LIST, message="Welcome!")
    assert [row.status for row in rows if row.status in bulk.DONE] == [
        RowStatus.INVITED,
        RowStatus.INVITED,
        RowStatus.RESENT,
    ]
    assert rows[-1].outcome == "Already invited: sent again"
    assert Invitation.objects.count() == 3  # Sam, Ali and the renewed invitation to Priya
    assert sorted(email.to[0] for email in mailoutbox) == ["priya@example.org", "sam@example.org"]
    assert Invitation.objects.get(email="sam@example.org").message == "Welcome!"


def test_a_list_without_a_header_line_is_read_as_name_email_phone_role():
    rows = bulk.read("Sam,sam@example.org,,practitioner\nAli,,07700900123,commissioner")
    assert [(r.name, r.email, r.phone, r.role) for r in rows] == [
        ("Sam", "sam@example.org", "", Role.PRACTITIONER),
        ("Ali", "", "+447700900123", Role.COMMISSIONER),
    ]


def test_columns_may_come_in_any_order_and_a_default_role_fills_gaps():
    rows = bulk.read(
        "Email address,Role,Name\nsam@example.org,,Sam\n", default_role=Role.PRACTITIONER
    )
    assert [(r.name, r.email, r.role, r.status) for r in rows] == [
        ("Sam", "sam@example.org", Role.PRACTITIONER, RowStatus.READY)
    ]


EXPECTED = [
    ("Lopez, Ana", "ana@example.org", "", Role.EXPERT_BY_EXPERIENCE),
    ("Ali Khan", "", "+447700900123", Role.PRACTITIONER),
]
HEADER = ["Name", "Email", "Phone", "Role"]
PEOPLE = [
    ["Lopez, Ana", "ana@example.org", "", "expert by experience"],
    ["Ali Khan", "", "07700 900123", "practitioner"],
]


def as_csv(rows: list[list[str]], separator: str) -> str:
    """What a spreadsheet saves: a cell holding the separator (or a quote) is quoted."""

    def cell(value: str) -> str:
        return f'"{value}"' if separator in value or '"' in value else value

    return "\r\n".join(separator.join(cell(value) for value in row) for row in rows) + "\r\n"


@pytest.mark.parametrize("separator", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
@pytest.mark.parametrize("header", [True, False], ids=["header", "no header"])
def test_lists_separated_by_commas_semicolons_or_tabs_are_all_read(separator, header):
    text = as_csv([HEADER, *PEOPLE] if header else PEOPLE, separator)
    rows = bulk.read(text)
    assert [(r.name, r.email, r.phone, r.role) for r in rows] == EXPECTED
    assert {row.status for row in rows} == {RowStatus.READY}


@pytest.mark.parametrize(
    "text",
    [
        # Names with commas in them, unquoted, in a list separated by semicolons or tabs.
        "Lopez, Ana;ana@example.org;;expert\nKhan, Ali;;07700 900123;practitioner\n",
        "Lopez, Ana\tana@example.org\t\texpert\nKhan, Ali\t\t07700 900123\tpractitioner\n",
        # Quoted, in a comma list, with the other separators inside the quotes.
        '"Lopez, Ana; Mx",ana@example.org,,expert\n"Khan; Ali, Dr",,07700 900123,practitioner\n',
    ],
    ids=["semicolons", "tabs", "quoted commas"],
)
def test_names_with_commas_do_not_move_the_columns(text):
    rows = bulk.read(text)
    assert [(r.email, r.phone) for r in rows] == [("ana@example.org", ""), ("", "+447700900123")]
    assert {row.status for row in rows} == {RowStatus.READY}


@pytest.mark.parametrize(
    "text",
    [
        "name|email|phone|role\nSam|sam@example.org||expert\n",
        "Sam sam@example.org expert\nAli ali@example.org practitioner\n",
        "sam@example.org\nali@example.org\n",
    ],
    ids=["pipes", "spaces", "one column"],
)
def test_a_list_whose_columns_cannot_be_told_apart_is_refused_with_how_to_fix_it(project, text):
    with pytest.raises(bulk.BulkError) as refused:
        bulk.check(project=project, text=text)
    assert str(refused.value) == (
        "We could not find an email address or mobile number on any line. Put one person on "
        "each line: name, email, phone and role, with commas, semicolons or tabs between them. "
        "Saving a spreadsheet as CSV does this."
    )


def test_a_semicolon_list_is_checked_and_sent_from_the_page(client: Client, project, expert):
    client.force_login(expert)
    text = as_csv([HEADER, *PEOPLE], ";")
    page = client.post(url(project), {"csv_text": text, "check": "1"}).content.decode()
    assert "Send 2 invitations" in page
    assert "no email" not in page.lower()
    client.post(url(project), {"csv_text": text, "send": "1"})
    assert Invitation.objects.count() == 2


def test_an_over_long_message_for_everyone_is_refused_by_the_service(project, practitioner):
    with pytest.raises(bulk.BulkError, match="at most 1,000 characters"):
        bulk.send(project=project, inviter=practitioner, text=LIST, message="m" * 1_001)
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [("\n \n", "The list is empty"), ("email\n" + "a@b.org\n" * 501, "at most 500")],
)
def test_an_unusable_list_is_refused_as_a_whole(project, text, message):
    with pytest.raises(bulk.BulkError, match=message):
        bulk.check(project=project, text=text)


# --- The page -------------------------------------------------------------------------------


def test_the_page_is_for_co_leads_only(client: Client, project, outsider, expert2, expert):
    assert client.get(url(project)).status_code == 302  # anonymous: sign in first
    client.force_login(outsider)
    assert client.get(url(project)).status_code == 404
    client.force_login(expert2)
    assert client.get(url(project)).status_code == 403
    assert client.post(url(project), {"csv_text": LIST, "send": "1"}).status_code == 403
    client.force_login(expert)
    assert client.get(url(project)).status_code == 200
    assert not Invitation.objects.exists()


def test_checking_on_the_page_shows_each_line_and_offers_to_send_the_good_ones(
    client: Client, project, expert
):
    client.force_login(expert)
    response = client.post(url(project), {"csv_text": LIST, "check": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing has been sent yet" in html
    assert "Already a member: not sent" in html
    assert "Send 3 invitations" in html
    assert not Invitation.objects.exists()


def test_sending_from_the_page_reports_once_after_a_redirect(client: Client, project, expert):
    client.force_login(expert)
    response = client.post(url(project), {"csv_text": LIST, "send": "1"})
    assert response.status_code == 302
    page = client.get(url(project)).content.decode()
    assert "3 invitations sent." in page
    assert "What happened" in page
    assert "Not sent: the same person as line 2." in page
    assert "What happened" not in client.get(url(project)).content.decode()
    assert Invitation.objects.count() == 3


def test_an_uploaded_spreadsheet_file_is_read(client: Client, project, expert):
    client.force_login(expert)
    upload = SimpleUploadedFile(
        "people.csv", "\ufeffname,email,role\nZoë,zoe@example.org,expert\n".encode(), "text/csv"
    )
    response = client.post(url(project), {"csv_file": upload, "send": "1"})
    assert response.status_code == 302
    assert Invitation.objects.get().name == "Zoë"


def test_an_uploaded_file_is_checked_then_sent_from_the_page_as_a_browser_would(
    client: Client, project, expert
):
    client.force_login(expert)
    upload = SimpleUploadedFile(
        "people.csv", "name,email,role\nZoë,zoe@example.org,expert\n".encode(), "text/csv"
    )
    page = client.post(url(project), {"csv_file": upload, "check": "1", "message": "Hi all"})
    html = page.content.decode()
    assert "Send 1 invitation" in html
    assert "The list from your file is now in the box below" in html
    assert not Invitation.objects.exists()
    # What the browser sends back: the boxes as the page filled them, and no file (a browser
    # never re-sends a chosen file).
    box = re.search(r'<textarea name="csv_text"[^>]*>(.*?)</textarea>', html, re.S)
    message = re.search(r'<textarea name="message"[^>]*>(.*?)</textarea>', html, re.S)
    assert box and message
    response = client.post(
        url(project),
        {"csv_text": unescape(box.group(1)), "message": unescape(message.group(1)), "send": "1"},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.name, invitation.email, invitation.message) == (
        "Zoë",
        "zoe@example.org",
        "Hi all",
    )


def test_an_empty_form_gets_a_plain_message_and_changes_nothing(client: Client, project, expert):
    client.force_login(expert)
    response = client.post(url(project), {"csv_text": "", "send": "1"})
    assert response.status_code == 200
    assert "Paste the list, or choose a CSV file to upload." in response.content.decode()
    assert not Invitation.objects.exists()


# --- Lines and lists that used to crash the page ------------------------------------------------

LONG_EMAIL = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".org"  # 308 characters, well formed


def test_a_line_whose_email_and_number_are_on_two_different_invitations_is_reported(
    client: Client, project, practitioner, expert
):
    invite(project=project, role=Role.PRACTITIONER, inviter=practitioner, email="a@example.org")
    invite(project=project, role=Role.PRACTITIONER, inviter=practitioner, phone="07700 900123")
    text = "name,email,phone,role\nAsha,a@example.org,07700 900123,practitioner\n"
    [row] = bulk.check(project=project, text=text)
    assert row.status == RowStatus.INVALID
    assert "two different invitations" in row.outcome
    client.force_login(expert)
    checked = client.post(url(project), {"csv_text": text, "check": "1"})
    assert checked.status_code == 200
    assert "two different invitations" in checked.content.decode()
    assert client.post(url(project), {"csv_text": text, "send": "1"}).status_code == 302
    assert "two different invitations" in client.get(url(project)).content.decode()
    assert Invitation.objects.count() == 2
    assert set(Invitation.objects.values_list("send_count", flat=True)) == {1}


def test_a_cell_too_long_for_the_csv_reader_gets_a_plain_message(project):
    text = "name,email\n" + "x" * 140_000 + ",a@example.org\n"
    with pytest.raises(bulk.BulkError, match="one of its cells is far too long"):
        bulk.check(project=project, text=text)


@pytest.mark.parametrize("how", ["paste", "upload"])
def test_a_list_with_a_huge_cell_is_refused_on_the_page_and_changes_nothing(
    client: Client, project, expert, how
):
    text = "name,email\n" + "x" * 140_000 + ",a@example.org\n"
    client.force_login(expert)
    data: dict[str, object] = (
        {"csv_text": text}
        if how == "paste"
        else {"csv_file": SimpleUploadedFile("people.csv", text.encode(), "text/csv")}
    )
    response = client.post(url(project), {**data, "send": "1"})
    assert response.status_code == 200
    assert "one of its cells is far too long" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_pasted_list_may_be_no_longer_than_an_uploaded_file(client: Client, project, expert):
    from participation.forms.invitations import MAX_CSV_BYTES

    text = "email\n" + "someone@example.org\n" * (MAX_CSV_BYTES // 20 + 1)
    assert len(text) > MAX_CSV_BYTES
    client.force_login(expert)
    response = client.post(url(project), {"csv_text": text, "check": "1"})
    assert response.status_code == 200
    assert "The list is too long. Send at most 500 people at a time." in response.content.decode()


def test_an_uploaded_file_with_a_nul_character_is_refused_with_a_plain_message(
    client: Client, project, expert
):
    upload = SimpleUploadedFile("people.csv", b"name,email\nSam\x00,sam@example.org\n", "text/csv")
    client.force_login(expert)
    response = client.post(url(project), {"csv_file": upload, "send": "1"})
    assert response.status_code == 200
    assert "not a CSV file we can read" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_name_or_email_too_long_to_store_is_not_sent_and_the_other_lines_are(
    project, practitioner
):
    text = (
        "name,email,role\n"
        f"{'N' * 81},long-name@example.org,practitioner\n"
        f"Lou,{LONG_EMAIL},practitioner\n"
        f"{'N' * 80},fine@example.org,practitioner\n"
    )
    rows = bulk.send(project=project, inviter=practitioner, text=text)
    assert [row.status for row in rows] == [
        RowStatus.INVALID,
        RowStatus.INVALID,
        RowStatus.INVITED,
    ]
    assert "Write at most 80 characters; you wrote 81." in rows[0].outcome
    assert "This email address is too long" in rows[1].outcome
    assert list(Invitation.objects.values_list("email", flat=True)) == ["fine@example.org"]


def test_two_lines_that_reach_one_invitation_by_its_two_addresses_send_it_once(
    project, practitioner
):
    invite(
        project=project,
        role=Role.PRACTITIONER,
        inviter=practitioner,
        email="asha@example.org",
        phone="07700 900123",
    )
    text = (
        "name,email,phone,role\n"
        "Asha,asha@example.org,,practitioner\n"
        "Asha,,07700900123,practitioner\n"
    )
    rows = bulk.send(project=project, inviter=practitioner, text=text)
    assert [row.status for row in rows] == [RowStatus.RESENT, RowStatus.DUPLICATE]
    assert rows[1].outcome == "Not sent: the same person as line 2."
    assert Invitation.objects.get().send_count == 2


def test_sending_to_a_closed_project_is_refused_as_a_whole(project, practitioner):
    project.stage = "closed"
    project.save()
    with pytest.raises(bulk.BulkError, match="This project is closed"):
        bulk.send(project=project, inviter=practitioner, text=LIST)
    assert not Invitation.objects.exists()


# --- Query budgets ------------------------------------------------------------------------------


def numbered_list(n):
    """n people, every other one already invited (so both new and renewed invitations)."""
    return "name,email,phone,role\n" + "".join(
        f"Person {i},person{i}@example.org,,practitioner\n" for i in range(n)
    )


def invite_every_other(project, practitioner, n):
    for i in range(0, n, 2):
        invite(
            project=project,
            role=Role.PRACTITIONER,
            inviter=practitioner,
            email=f"person{i}@example.org",
        )


@pytest.mark.parametrize("n", [10, 50])
def test_checking_a_list_makes_the_same_few_queries_however_long_it_is(
    project, practitioner, n, django_assert_max_num_queries
):
    invite_every_other(project, practitioner, n)
    with django_assert_max_num_queries(3):  # measured: 3 at both sizes (was 2 per line)
        rows = bulk.check(project=project, text=numbered_list(n))
    assert {row.status for row in rows} == {RowStatus.READY, RowStatus.RENEW}


@pytest.mark.parametrize("n", [10, 50])
def test_sending_a_list_costs_four_queries_per_person_and_a_few_more(
    project, practitioner, n, django_assert_max_num_queries
):
    invite_every_other(project, practitioner, n)
    # Measured: 10 + 4n (50 and 210; it was about 13.5 per line, then 10 + 2n before the log
    # became a hash chain). Each person needs their invitation saved and the send logged, and
    # logging is three queries: take the project's turn to append, read the chain's last
    # entry, insert. The look-ups and the outbox rows are done once.
    with django_assert_max_num_queries(10 + 4 * n):
        rows = bulk.send(project=project, inviter=practitioner, text=numbered_list(n))
    assert {row.status for row in rows} == {RowStatus.INVITED, RowStatus.RESENT}
    assert OutboxMessage.objects.filter(kind="invitation").count() == n + n // 2
