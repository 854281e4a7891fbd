"""Sending a webhook's request: which addresses may be reached, and the POST itself.

A webhook's address is typed by a co-lead, so the site must not become a way into its own
network (server-side request forgery). Unless WEBHOOKS_ALLOW_LOCAL is on (development):

- the address must be https://, with no name and password in it;
- its host is looked up when each request is sent, and every address the name leads to must
  be a public one: not loopback, private, link-local (cloud metadata at 169.254.169.254),
  shared, multicast, reserved or unspecified, in IPv4 or IPv6 (an IPv4 address wrapped in
  IPv6 is judged as the IPv4 one);
- the connection goes to the address that was checked, not to a second look-up, so a name
  that changes its answer in between (DNS rebinding) cannot slip past. TLS still checks the
  certificate against the host's name.

Redirects are never followed (a redirect could lead anywhere, and is a failed attempt), proxy
settings in the environment are ignored, and each request gives up after
WEBHOOK_TIMEOUT_SECONDS. Of the answer, only its status and how long it took are kept.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# IPv6 addresses that carry an IPv4 address to a translator (RFC 6052): judged by that one.
NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Names that always mean this machine or its local network.
LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".home.arpa")


class DeliveryFailed(Exception):
    """An attempt that did not reach the receiver, or that the receiver did not accept.

    str() says what happened in plain words: it is shown in the webhook's delivery log."""

    def __init__(self, message: str, *, code: int | None = None, ms: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.ms = ms


@dataclass(frozen=True)
class Answer:
    code: int
    ms: int


def allow_local() -> bool:
    return bool(settings.WEBHOOKS_ALLOW_LOCAL)


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public(address.ipv4_mapped)
        if address in NAT64:
            return is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        # 6to4 (2002::/16, RFC 3056) and Teredo (2001::/32, RFC 4380) carry an IPv4 address
        # that relays deliver to: a private one inside makes the whole address private.
        if address.sixtofour is not None:
            return is_public(address.sixtofour)
        if address.teredo is not None:
            server, client = address.teredo
            return is_public(server) and is_public(client)
    return address.is_global and not address.is_multicast


def normalised(url: str) -> str:
    """`url` as stored: surrounding spaces removed, scheme and host in lower case (they are
    not case-sensitive, RFC 3986 section 6.2.2.1), no fragment (never sent). The path and
    query are kept as typed: they may be case-sensitive."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))


def url_problem(url: str) -> str | None:
    """What is wrong with `url` as a webhook's address, before anything is looked up; None
    when nothing is. (The host's addresses are checked again as each request is sent.)"""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        (parts.hostname or "").encode("idna")  # a name no DNS could hold
    except ValueError:  # UnicodeError is one
        return _("Enter a web address such as https://example.org/coproduce-events.")
    schemes = ("https", "http") if allow_local() else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        return _("Enter an address that starts with https://, such as https://example.org/hooks.")
    if parts.username is not None or parts.password is not None:
        return _("Leave the name and password out of the address. The secret proves who we are.")
    if allow_local():
        return None
    host = parts.hostname.rstrip(".").lower()
    if host == LOCAL_NAMES[0] or host.endswith(LOCAL_NAMES[1:]):
        return _("Enter a public address. Webhooks cannot reach local or private networks.")
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None and not is_public(literal):
        return _("Enter a public address. Webhooks cannot reach local or private networks.")
    return None


def _port(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def checked_address(parts: SplitResult) -> str:
    """The address to connect to: the host's, once every address it leads to is allowed."""
    problem = url_problem(parts.geturl())
    if problem:
        raise DeliveryFailed(problem)
    host = parts.hostname or ""
    try:
        found = socket.getaddrinfo(host, _port(parts), type=socket.SOCK_STREAM)
    except OSError:
        raise DeliveryFailed(
            _(
                "The name %(host)s could not be found. Check the address with the people who "
                "run the other system."
            )
            % {"host": host}
        ) from None
    addresses = [str(info[4][0]) for info in found]
    if not addresses:
        raise DeliveryFailed(_("The name %(host)s could not be found.") % {"host": host})
    if not allow_local() and not all(is_public(ipaddress.ip_address(a)) for a in addresses):
        raise DeliveryFailed(
            _("%(host)s leads to a local or private network address, which webhooks may not reach.")
            % {"host": host}
        )
    return addresses[0]


def _connection(parts: SplitResult, address: str, timeout: float) -> http.client.HTTPConnection:
    host, port = parts.hostname or "", _port(parts)
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        context = ssl.create_default_context()
        connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)

    def to_the_checked_address(_where: Any, *args: Any, **kwargs: Any) -> socket.socket:
        # The Host header and the certificate check keep the name; the socket goes to the
        # address that was checked.
        return socket.create_connection((address, port), *args, **kwargs)

    # http.client keeps this as an attribute so that it can be replaced.
    connection._create_connection = to_the_checked_address  # type: ignore[attr-defined]
    return connection


def post(url: str, *, payload: bytes, headers: dict[str, str]) -> Answer:
    """POST `payload` to `url`. Returns the answer when it is a 2xx; raises DeliveryFailed
    otherwise (a refused address, no connection, a timeout, any other status)."""
    parts = urlsplit(url)
    address = checked_address(parts)
    timeout = float(settings.WEBHOOK_TIMEOUT_SECONDS)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = _connection(parts, address, timeout)
    start = time.monotonic()
    try:
        connection.request("POST", target, body=payload, headers=headers)
        response = connection.getresponse()
        response.read(1024)  # a little of the body, so the receiver is not cut off; not kept
    except TimeoutError:
        raise DeliveryFailed(
            _("No answer within %(n)s seconds.") % {"n": settings.WEBHOOK_TIMEOUT_SECONDS},
            ms=_since(start),
        ) from None
    except ssl.SSLCertVerificationError:
        raise DeliveryFailed(
            _(
                "The other system's security certificate could not be trusted (it may have "
                "expired, or be for another name). The people who run it need to renew it."
            ),
            ms=_since(start),
        ) from None
    except ssl.SSLError as error:
        raise DeliveryFailed(
            _("A secure connection could not be made (%(error)s).")
            % {"error": error.reason or error},
            ms=_since(start),
        ) from None
    except (OSError, http.client.HTTPException) as error:
        raise DeliveryFailed(
            _("Could not connect: %(error)s") % {"error": _plain(error)}, ms=_since(start)
        ) from None
    finally:
        connection.close()
    ms = _since(start)
    if not 200 <= response.status < 300:
        raise DeliveryFailed(
            _("The receiver answered %(code)s %(reason)s.")
            % {"code": response.status, "reason": response.reason[:60]},
            code=response.status,
            ms=ms,
        )
    return Answer(code=response.status, ms=ms)


def _since(start: float) -> int:
    return round((time.monotonic() - start) * 1000)


def _plain(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
