"""The Twilio provider: its webhook signature is checked with Twilio's own validator, and texts
go out through its client."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from twilio.request_validator import RequestValidator

from coproduce.sms import ForgedRequest, TextMessage, TwilioBackend, TwilioInbound

TOKEN = "12345678901234567890123456789012"
FIELDS = {"MessageSid": "SM0001", "From": "+447700900123", "Body": "YES 012"}


@pytest.fixture
def twilio(settings: Any) -> None:
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_ACCOUNT_SID = "AC0001"
    settings.SMS_FROM = "+447700900000"
    settings.SITE_URL = "https://coproduce.example.org"


def signed_request(signature: str) -> Any:
    return RequestFactory().post(
        "/texts/inbound/", data=FIELDS, headers={"X-Twilio-Signature": signature}
    )


def test_a_request_signed_by_twilio_is_read(twilio: None) -> None:
    url = "https://coproduce.example.org/texts/inbound/"
    signature = RequestValidator(TOKEN).compute_signature(url, FIELDS)
    message = TwilioInbound().read(signed_request(signature))
    assert (message.message_id, message.sender, message.body) == (
        "SM0001",
        "+447700900123",
        "YES 012",
    )
    assert TwilioInbound().acknowledge()["Content-Type"] == "text/xml"


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl"])
def test_a_request_without_twilios_signature_is_refused(twilio: None, signature: str) -> None:
    with pytest.raises(ForgedRequest):
        TwilioInbound().read(signed_request(signature))


def test_a_signature_made_for_another_address_is_refused(twilio: None) -> None:
    signature = RequestValidator(TOKEN).compute_signature(
        "https://evil.example/texts/inbound/", FIELDS
    )
    with pytest.raises(ForgedRequest):
        TwilioInbound().read(signed_request(signature))


def test_texts_go_out_through_twilios_client_from_our_number(
    twilio: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[dict[str, str]] = []

    class Messages:
        def create(self, **fields: str) -> None:
            sent.append(fields)

    class Client:
        def __init__(self, sid: str, token: str) -> None:
            assert (sid, token) == ("AC0001", TOKEN)
            self.messages = Messages()

    monkeypatch.setattr("twilio.rest.Client", Client)
    assert TwilioBackend().send_messages([TextMessage(to="+447700900123", body="Hi")]) == 1
    assert sent == [{"to": "+447700900123", "from_": "+447700900000", "body": "Hi"}]
