"""The webhooks pages: co-leads only, the secret shown to its maker until copied, every button
safe to press twice, the one error pattern, read-only once the project is closed, and a fixed
number of queries however many deliveries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from participation.models import (
    OutboxMessage,
    OutboxStatus,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)
from participation.services import webhooks as webhook_services
from projects.models import Event, EventKind, Project, Stage
from projects.services import ProjectError
from projects.services.projects import change_stage
from tests.error_pattern import assert_error_page

pytestmark = pytest.mark.django_db

ADDRESS = "https://hooks.example.org/coproduce/in?key=team-7-key"


def hook_of(project: Project, lead: Any, url: str = ADDRESS) -> Webhook:
    hook, _added = webhook_services.add_webhook(
        project=project, actor=lead, url=url, events=list(WebhookEvent.values)
    )
    return hook


def list_url(project: Project) -> str:
    return reverse("webhooks:list", args=[project.slug])


def url(name: str, hook: Webhook) -> str:
    return reverse(f"webhooks:{name}", args=[hook.project.slug, hook.pk])


def add(client: Client, project: Project, **fields: Any) -> Any:
    data = {"url": ADDRESS, "events": ["decision.made", "stage.changed"], **fields}
    return client.post(list_url(project), data)


def closed(project: Project) -> None:
    locked = Project.objects.select_for_update().get(pk=project.pk)
    change_stage(project=locked, to=Stage.CLOSED, actor=None, reason="it ended.")


# --- Who may --------------------------------------------------------------------------------

PAGES = ["detail", "delete"]
BUTTONS = ["events", "switch", "secret", "copied", "ping", "delete"]


def test_co_leads_reach_every_page_other_members_are_refused_outsiders_find_nothing(
    client: Client, project, practitioner, expert, expert2, practitioner2, commissioner, outsider
):
    hook = hook_of(project, practitioner)
    addresses = [list_url(project)] + [url(name, hook) for name in PAGES]
    for lead in (practitioner, expert):  # the co-leads, one from each group
        client.force_login(lead)
        assert [client.get(a).status_code for a in addresses] == [200, 200, 200]
    for member in (expert2, practitioner2, commissioner):
        client.force_login(member)
        assert [client.get(a).status_code for a in addresses] == [403, 403, 403]
        assert [client.post(url(b, hook)).status_code for b in BUTTONS] == [403] * 6
        assert add(client, project).status_code == 403
        assert "co-leads manage its webhooks." in client.get(list_url(project)).content.decode()
    client.force_login(outsider)
    assert [client.get(a).status_code for a in addresses] == [404, 404, 404]
    assert [client.post(url(b, hook)).status_code for b in BUTTONS] == [404] * 6
    assert Webhook.objects.get() == hook and not OutboxMessage.objects.exists()


def test_a_webhook_of_another_project_is_not_found(
    client: Client, project, practitioner, project_factory
):
    elsewhere = hook_of(project_factory(created_by=practitioner), practitioner)
    client.force_login(practitioner)
    assert client.get(url("detail", elsewhere)).status_code == 200
    mine = reverse("webhooks:detail", args=[project.slug, elsewhere.pk])
    assert client.get(mine).status_code == 404
    for name in BUTTONS:
        client.post(
            reverse(f"webhooks:{name}", args=[project.slug, elsewhere.pk]), {"confirm": "yes"}
        )
    assert Webhook.objects.get() == elsewhere
    assert not OutboxMessage.objects.filter(channel="webhook").exists()


def test_the_settings_page_leads_to_the_webhooks(client: Client, project, practitioner):
    client.force_login(practitioner)
    page = client.get(reverse("projects:settings", args=[project.slug])).content.decode()
    assert list_url(project) in page


# --- Adding one, and its secret ---------------------------------------------------------------


def test_adding_a_webhook_shows_its_secret_to_the_co_lead_who_added_it_until_they_copied_it(
    client: Client, project, practitioner, expert
):
    client.force_login(practitioner)
    response = add(client, project)
    hook = Webhook.objects.get()
    assert response["Location"] == url("detail", hook)
    assert hook.events == ["decision.made", "stage.changed"]
    page = client.get(url("detail", hook)).content.decode()
    assert hook.secret in page and "I have copied the secret" in page

    other_lead = Client()
    other_lead.force_login(expert)
    assert hook.secret not in other_lead.get(url("detail", hook)).content.decode()
    assert hook.secret not in client.get(list_url(project)).content.decode()

    client.post(url("copied", hook))
    assert hook.secret not in client.get(url("detail", hook)).content.decode()
    hook.refresh_from_db()
    assert hook.secret_shown_to is None


def test_the_history_names_the_host_never_the_address_or_the_secret(
    client: Client, project, practitioner
):
    client.force_login(practitioner)
    add(client, project)
    hook = Webhook.objects.get()
    client.post(url("switch", hook), {"active": "off"})
    client.post(url("secret", hook), {"replacing": "1"})
    hook.refresh_from_db()
    events = Event.objects.filter(kind=EventKind.WEBHOOK_CHANGED).order_by("seq")
    assert [e.data["change"] for e in events] == ["added", "off", "secret"]
    assert all(e.actor == practitioner for e in events)
    written = " ".join(e.summary + str(e.data) for e in events)
    assert "hooks.example.org" in written
    assert "team-7-key" not in written and "/coproduce/in" not in written
    assert hook.secret not in written


def test_adding_the_same_address_twice_adds_one_webhook(client: Client, project, practitioner):
    client.force_login(practitioner)
    first = add(client, project)
    second = add(client, project)
    assert Webhook.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert Event.objects.filter(kind=EventKind.WEBHOOK_CHANGED).count() == 1


def test_an_address_that_is_not_allowed_comes_back_in_the_error_pattern(
    client: Client, project, practitioner, settings
):
    settings.WEBHOOKS_ALLOW_LOCAL = False
    client.force_login(practitioner)
    response = add(client, project, url="http://10.0.0.7/hooks")
    html = assert_error_page(response, field_id="id_url", kept="http://10.0.0.7/hooks")
    assert "starts with https://" in html
    response = add(client, project, url="https://192.168.1.20/hooks")
    assert "Webhooks cannot reach local or private networks" in assert_error_page(
        response, field_id="id_url"
    )
    assert not Webhook.objects.exists()


def test_no_event_chosen_comes_back_in_the_error_pattern(client: Client, project, practitioner):
    client.force_login(practitioner)
    response = add(client, project, events=[])
    html = assert_error_page(response, field_id="id_events_0", kept=ADDRESS)
    assert "Choose at least one event to send." in html
    assert not Webhook.objects.exists()


def test_a_project_has_at_most_five_webhooks(client: Client, project, practitioner):
    for n in range(5):
        hook_of(project, practitioner, f"https://hooks.example.org/{n}")
    client.force_login(practitioner)
    assert "at most" in client.get(list_url(project)).content.decode()
    html = assert_error_page(add(client, project))
    assert "A project can have at most 5 webhooks." in html
    assert Webhook.objects.count() == 5


# --- Each button, pressed twice ---------------------------------------------------------------


def test_a_new_secret_pressed_twice_makes_one(client: Client, project, practitioner):
    hook = hook_of(project, practitioner)
    first_secret = hook.secret
    client.force_login(practitioner)
    client.post(url("secret", hook), {"replacing": "1"})
    hook.refresh_from_db()
    second_secret = hook.secret
    response = client.post(url("secret", hook), {"replacing": "1"}, follow=True)
    assert "That secret was replaced already." in response.content.decode()
    hook.refresh_from_db()
    assert first_secret != second_secret == hook.secret
    assert hook.secret_version == 2
    assert second_secret in response.content.decode()  # still shown to its maker


def test_a_secret_lost_before_it_was_copied_can_be_replaced_by_another_co_lead(
    client: Client, project, practitioner, expert
):
    hook = hook_of(project, practitioner)
    client.force_login(expert)
    page = client.post(url("secret", hook), {"replacing": "1"}, follow=True).content.decode()
    hook.refresh_from_db()
    assert hook.secret in page and hook.secret_shown_to == expert


def test_turning_off_twice_changes_it_once_and_a_test_event_waits_for_it_to_be_on(
    client: Client, project, practitioner
):
    hook = hook_of(project, practitioner)
    client.force_login(practitioner)
    client.post(url("switch", hook), {"active": "off"})
    again = client.post(url("switch", hook), {"active": "off"}, follow=True).content.decode()
    assert "The webhook was off already." in again
    assert Event.objects.filter(data__change="off").count() == 1
    html = assert_error_page(client.post(url("ping", hook)))
    assert "Turn the webhook on before you send a test event." in html
    assert not OutboxMessage.objects.exists()
    client.post(url("switch", hook), {"active": "on"})
    hook.refresh_from_db()
    assert hook.active


def test_a_test_event_pressed_twice_in_a_minute_is_sent_once(client: Client, project, practitioner):
    hook = hook_of(project, practitioner)
    client.force_login(practitioner)
    client.post(url("ping", hook))
    again = client.post(url("ping", hook), follow=True).content.decode()
    assert "A test event went less than a minute ago." in again
    [delivery] = OutboxMessage.objects.all()
    assert delivery.data["event"] == "ping" and delivery.webhook_delivery.webhook == hook
    assert "Test event" in again  # listed in the delivery log


def test_changing_the_events_keeps_what_was_ticked_on_a_mistake(
    client: Client, project, practitioner
):
    hook = hook_of(project, practitioner)
    client.force_login(practitioner)
    html = assert_error_page(client.post(url("events", hook), {}), field_id="id_events_0")
    assert "Choose at least one event to send." in html
    client.post(url("events", hook), {"events": ["voting.opened"]})
    again = client.post(url("events", hook), {"events": ["voting.opened"]}, follow=True)
    assert "Nothing changed" in again.content.decode()
    hook.refresh_from_db()
    assert hook.events == ["voting.opened"]
    assert Event.objects.filter(data__change="events").count() == 1


def test_a_button_sent_without_its_value_comes_back_in_the_error_pattern(
    client: Client, project, practitioner
):
    hook = hook_of(project, practitioner)
    client.force_login(practitioner)
    html = assert_error_page(client.post(url("switch", hook), {"active": "maybe"}))
    assert 'href="#id_active"' in html
    html = assert_error_page(client.post(url("secret", hook), {"replacing": "x"}))
    assert 'href="#id_replacing"' in html
    hook.refresh_from_db()
    assert (hook.active, hook.secret_version) == (True, 1)


def test_deleting_asks_first_and_takes_the_log_with_it(client: Client, project, practitioner):
    hook = hook_of(project, practitioner)
    webhook_services.send_test(webhook=hook)
    client.force_login(practitioner)
    assert "Yes, delete it" in client.get(url("delete", hook)).content.decode()
    assert 'href="#id_confirm"' in assert_error_page(client.post(url("delete", hook)))
    assert Webhook.objects.exists()
    response = client.post(url("delete", hook), {"confirm": "yes"})
    assert response["Location"] == list_url(project)
    assert not Webhook.objects.exists() and not OutboxMessage.objects.exists()
    again = client.post(url("delete", hook), {"confirm": "yes"}, follow=True)
    assert "That webhook is deleted." in again.content.decode()
    assert Event.objects.filter(data__change="deleted").count() == 1


# --- A closed project ------------------------------------------------------------------------


def test_once_the_project_is_closed_the_log_can_be_read_and_nothing_changed(
    client: Client, project, practitioner
):
    hook = hook_of(project, practitioner)
    closed(project)
    delivery = OutboxMessage.objects.get(data__event="stage.changed")
    client.force_login(practitioner)
    page = client.get(url("detail", hook)).content.decode()
    assert hook.secret not in page  # nothing more is sent: no secret to copy
    assert "The project moves to another stage" in page and f"delivery {delivery.pk}" in page
    assert "Turn off" not in page and "Make a new secret" not in page
    listed = client.get(list_url(project)).content.decode()
    assert "Add a webhook" not in listed
    # Both pages say why nothing can be changed, rather than only leaving the buttons out.
    assert "This project is closed, so its webhooks send nothing more" in page
    assert "This project is closed, so its webhooks send nothing more" in listed
    assert [client.post(url(b, hook)).status_code for b in BUTTONS] == [403] * 6
    assert client.get(url("delete", hook)).status_code == 403
    assert add(client, project).status_code == 403
    with pytest.raises(ProjectError):
        webhook_services.switch(webhook=hook, actor=practitioner, active=False)


# --- Queries ---------------------------------------------------------------------------------


def deliveries_for(hook: Webhook, n: int) -> None:
    """`n` deliveries in the webhook's log: two failed for each one that went."""
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            kind="webhook",
            occasion=f"ping:{n}-{i}",
            recipient=hook.recipient,
            channel="webhook",
            project=hook.project,
            data={"event": "ping"},
            status=OutboxStatus.FAILED if i % 3 else OutboxStatus.SENT,
            attempts=1 + i % 4,
            last_error="The receiver answered 500 Internal Server Error." if i % 3 else "",
        )
        for i in range(n)
    )
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            message=message, webhook=hook, response_code=500 if message.last_error else 200
        )
        for message in messages
    )


# Measured, the same with 1 webhook and 2 deliveries as with 5 webhooks and 342: the session,
# the person, their membership, their permissions, then the webhooks and their latest five
# deliveries (one query for all); on a webhook's page, it, the count and one page of its log.
LIST_BUDGET = 6
DETAIL_BUDGET = 7


def test_the_webhooks_pages_run_a_fixed_number_of_queries_however_many_deliveries(
    client: Client, project, practitioner, django_assert_max_num_queries
):
    client.force_login(practitioner)
    first = hook_of(project, practitioner)
    deliveries_for(first, 2)
    with django_assert_max_num_queries(LIST_BUDGET):
        small_list = client.get(list_url(project))
    with django_assert_max_num_queries(DETAIL_BUDGET):
        client.get(url("detail", first))

    for n in range(4):
        deliveries_for(hook_of(project, practitioner, f"https://hooks.example.org/{n}"), 60)
    deliveries_for(first, 100)
    with django_assert_max_num_queries(LIST_BUDGET):
        large_list = client.get(list_url(project))
    with django_assert_max_num_queries(DETAIL_BUDGET):
        detail = client.get(url("detail", first))
    assert small_list.content.decode().count("<tr>") == 1 + 2
    assert large_list.content.decode().count("<tr>") == 5 * (1 + 5)  # five each, newest
    assert detail.content.decode().count("<tr>") == 1 + 30  # a page at a time
    assert "Page 1 of 4" in detail.content.decode()


def test_pages_read_ids_and_status_never_a_message_body(client: Client, project, practitioner):
    hook = hook_of(project, practitioner)
    deliveries_for(hook, 3)
    client.force_login(practitioner)
    page = client.get(url("detail", hook)).content.decode()
    assert "The receiver answered 500 Internal Server Error." in page
    assert "Accepted (200)" in page


def test_the_admin_never_shows_a_secret(admin_site: Client, project, practitioner):
    hook = hook_of(project, practitioner)
    webhook_services.send_test(webhook=hook)
    pages = [
        reverse("admin:participation_webhook_changelist"),
        reverse("admin:participation_webhook_change", args=[hook.pk]),
        reverse("admin:participation_webhookdelivery_changelist"),
        reverse("admin:participation_outboxmessage_changelist"),
    ]
    for page in pages:
        response = admin_site.get(page)
        assert response.status_code == 200, page
        assert hook.secret not in response.content.decode(), page
    assert "hooks.example.org" in admin_site.get(pages[0]).content.decode()


def test_a_long_pasted_address_is_refused_with_a_message_not_cut_short(
    client: Client, project, practitioner
):
    """The box had maxlength, so a browser cut a pasted address and saved a different one."""
    client.force_login(practitioner)
    page = client.get(list_url(project)).content.decode()
    box = page[page.index('name="url"') - 200 : page.index('name="url"') + 200]
    assert "maxlength" not in box
    long_address = "https://hooks.example.org/" + "a" * 600
    response = client.post(list_url(project), {"url": long_address, "events": ["decision.made"]})
    assert_error_page(response, field_id="id_url")
    assert "at most 500 characters" in response.content.decode()
    assert not Webhook.objects.exists()
