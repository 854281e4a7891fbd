"""The API's one door into a project: the site's own `access_project`, so a token never reads
more than its owner's pages show.

A view names the permission its site page needs (`perm`); the door answers 404 to anyone who
is not a current member, whether or not the project exists, and 403 with the site's words to a
member without that permission.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from rest_framework import exceptions, generics
from rest_framework.request import Request

from coproduce.models import User

from ..permissions import VIEW_PROJECT, ProjectAccess, access_project


def reader(request: Request) -> User:
    """Whoever sends the request, signed in (`IsAuthenticated` has run); NotAuthenticated
    (401) otherwise."""
    if not isinstance(request.user, User):
        raise exceptions.NotAuthenticated
    return request.user


class ProjectScoped(generics.GenericAPIView):  # type: ignore[type-arg]
    """A read-only view of something inside one project, reached by its web address name."""

    perm: str = VIEW_PROJECT
    access: ProjectAccess

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Signing in, permissions (signed in at all) and the rate limit come first, so an
        # anonymous request learns nothing about which projects exist.
        super().initial(request, *args, **kwargs)
        if getattr(self, "swagger_fake_view", False):
            return
        try:
            self.access = access_project(reader(request), self.kwargs["slug"], self.perm)
        except PermissionDenied as refusal:
            raise exceptions.PermissionDenied(str(refusal) or None) from None
