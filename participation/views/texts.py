"""The webhook the SMS provider calls with each text a member sends in.

In order: a flood from one address is refused (429); a request without the provider's valid
signature is refused (403) and changes nothing; a request with a field missing is refused
(400). Then the text is stored once and acted on (`participation.services.texts`), and the
provider gets the answer it expects. A phone sending more than the per-number limit (an
auto-reply loop) has its texts kept and shown to co-leads, but not answered.
"""

from __future__ import annotations

import logging

from allauth.core import ratelimit
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from coproduce.sms import ForgedRequest, get_inbound_backend

from ..services.texts import receive_text

logger = logging.getLogger(__name__)


@csrf_exempt  # the provider cannot hold a CSRF token; its signature is checked instead
@require_POST
def inbound_text(request: HttpRequest) -> HttpResponse:
    if not ratelimit.consume(request, action="inbound_text"):
        return HttpResponse("Too many requests.", status=429, content_type="text/plain")
    backend = get_inbound_backend()
    try:
        message = backend.read(request)
    except ForgedRequest:
        logger.warning("Refused an inbound text without a valid signature.")
        return HttpResponse("Signature missing or wrong.", status=403, content_type="text/plain")
    except ValueError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain")
    flooded = not ratelimit.consume(request, action="inbound_text_number", key=message.sender)
    receive_text(provider=backend.name, message=message, flooded=flooded)
    return backend.acknowledge()
