"""Routes for invitations and notifications, included at the site root."""

from django.urls import URLPattern, path

from ..views import accept, invitations, join, notifications

app_name = "participation"

urlpatterns: list[URLPattern] = [
    path(
        "projects/<slug:slug>/invitations/",
        invitations.invitation_list,
        name="invitations",
    ),
    path(
        "projects/<slug:slug>/invitations/bulk/",
        invitations.bulk_invite,
        name="bulk_invite",
    ),
    path(
        "projects/<slug:slug>/invitations/<int:pk>/resend/",
        invitations.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "projects/<slug:slug>/invitations/<int:pk>/withdraw/",
        invitations.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", accept.accept_invitation, name="accept"),
    path("invitations/<str:token>/join/", join.join, name="join"),
    path("notifications/", notifications.preferences, name="preferences"),
    path(
        "notifications/unsubscribe/<str:token>/",
        notifications.unsubscribe_link,
        name="unsubscribe",
    ),
]
