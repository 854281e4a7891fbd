from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path

from projects.views import projects as project_views

from . import views
from .api import account as api_account
from .phone_sign_in import text_me_a_code
from .second_step import authenticate

# Staff sign in to the admin through allauth, so the MFA requirement applies there too.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "coproduce administration"

# Under /api/ these answer in JSON, as the API's endpoints do; elsewhere, the site's pages.
handler404 = "coproduce.api.errors.page_not_found"
handler500 = "coproduce.api.errors.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("up/", views.up, name="up"),
    # The signed-in home lists the person's projects, so it lives in the projects app.
    path("dashboard/", project_views.dashboard, name="dashboard"),
    path("projects/", include("projects.urls")),
    path("projects/", include("participation.urls.contributions")),
    path("projects/", include("participation.urls.activities")),
    path("projects/", include("participation.urls.assistance")),
    path("projects/", include("participation.urls.payments")),
    path("projects/", include("participation.urls.text_inbox")),
    path("projects/", include("participation.urls.webhooks")),
    path("projects/", include("evaluation.urls.surveys")),
    path("projects/", include("evaluation.urls.reports")),
    path("portfolio/", include("evaluation.urls.portfolio")),
    path("", include("participation.urls.invitations")),
    path("", include("participation.urls.access")),
    path("", include("participation.urls.consent")),
    path("", include("participation.urls.my")),
    path("", include("participation.urls.texts")),
    path("my/api-tokens/", api_account.api_tokens, name="api_tokens"),
    path("my/api-tokens/<int:pk>/revoke/", api_account.api_token_revoke, name="api_token_revoke"),
    path("api/v1/", include("coproduce.api.urls")),
    path("accounts/code/text/", text_me_a_code, name="account_request_login_code_by_text"),
    path("accounts/2fa/authenticate/", authenticate, name="mfa_authenticate"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
