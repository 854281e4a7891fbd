"""Template helpers for the sign-in pages and emails."""

from allauth.account.utils import passthrough_next_redirect_url
from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from coproduce.site import absolute_url

register = template.Library()


@register.simple_tag
def login_code_minutes() -> int:
    """How many whole minutes an emailed sign-in code works (ACCOUNT_LOGIN_BY_CODE_TIMEOUT is
    in seconds), so that the page and the email say what the site does."""
    return max(1, int(settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT) // 60)


@register.simple_tag
def public_link(url_name: str) -> str:
    """A page of the site as a full link on its public address (SITE_URL), for emails."""
    return absolute_url(reverse(url_name))


@register.filter
def spaced_code(code: str) -> str:
    """A one-time code in groups of three ("123 456"), easier to read and to copy by eye.
    allauth ignores spaces when it compares codes, so a code typed with them still works."""
    return " ".join(code[i : i + 3] for i in range(0, len(code), 3))


@register.simple_tag(takes_context=True)
def with_next(context: template.Context, url_name: str) -> str:
    """A sign-in page's address that keeps the page's `next` (checked to be on this site), so
    that someone who signs in another way still lands where they were going (an invitation)."""
    request: HttpRequest = context["request"]
    url: str = passthrough_next_redirect_url(request, reverse(url_name), "next")
    return url
