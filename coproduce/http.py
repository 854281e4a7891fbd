"""Request typing for views behind login_required, and what a form on a page is bound to."""

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def posted(request: HttpRequest) -> QueryDict | None:
    """The data a page's form is bound to: everything POSTed, None on any other method.

    Not `request.POST or None`: a POST with no fields at all (every box left blank and nothing
    ticked, or a client that sends an empty body) is an empty QueryDict, which is false, and
    the form would come back unbound, as if the page were just opened: nothing saved and
    nothing said about why."""
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest) -> MultiValueDict[str, UploadedFile] | None:
    """The files sent with a POST, for the same reason as `posted`."""
    return request.FILES if request.method == "POST" else None
