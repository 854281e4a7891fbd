"""Settings for coproduce: one module, driven by environment variables.

The defaults run on a bare machine (SQLite, tasks run in-process, email printed to the
console) so that `make run` works with nothing installed. Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY, DEBUG=false and ALLOWED_HOSTS; the README lists every variable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import django_stubs_ext
import environ
from celery.schedules import crontab
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

# Lets admin and model classes be subscripted for the type checker (ModelAdmin[User]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer's .env file is read when present; real deployments set the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# The development key is deliberately not secret: check --deploy refuses it (security.W009).
DEV_SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY: str = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
# Old keys, newest first, still accepted after a rotation (sessions, invitation links).
SECRET_KEY_FALLBACKS: list[str] = env.list("SECRET_KEY_FALLBACKS", default=[])
DEBUG: bool = env.bool("DEBUG", default=SECRET_KEY == DEV_SECRET_KEY)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL: str = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "coproduce",
    "projects",
    "participation",
    "evaluation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "guardian",
    "csp",
    "pgtrigger",
    "rest_framework",
    "drf_spectacular",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages shrink to about a fifth for a slow phone connection. Static files never get here
    # (WhiteNoise serves them already compressed); Django adds random padding to each
    # compressed page against the BREACH attack on the CSRF token.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "coproduce.middleware.StaffMustUseMFAMiddleware",
    "coproduce.kept_forms.KeptFormMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "coproduce.urls"
# Form widgets and error lists are rendered from the project's templates too, so that every
# form, allauth's included, shows errors in the one pattern (templates/django/forms/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "coproduce.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A transaction takes SQLite's write lock when it begins, so two requests writing at once
    # queue (for up to `timeout` seconds) instead of one failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": env.int("SQLITE_TIMEOUT", default=20)}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg's pool replaces persistent connections, so CONN_MAX_AGE must stay 0.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The pool checks a connection before handing it out. Without this, after PostgreSQL
    # restarts, every connection left in the pool fails one request each before it is dropped.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env.int("DATABASE_POOL_SIZE", default=4),
        "timeout": 10,
    }
    # PostgreSQL compiles a query to machine code (JIT) once its estimated cost passes
    # jit_above_cost; the portfolio's flag queries cross it and spent 0.73 s of their 0.75 s
    # compiling. A web page's queries are short, so compiling never pays back here.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker, result store and shared cache ----------------------------------
# All three use the Redis database named in REDIS_URL (0 when none is given), and keep apart by
# key prefix, so two sites can share one Redis: give each its own database number or its own
# REDIS_KEY_PREFIX.
REDIS_URL: str = env.str("REDIS_URL", default="")
REDIS_KEY_PREFIX: str = env.str("REDIS_KEY_PREFIX", default="coproduce")


def _redis_location(url: str) -> str:
    """The URL as given, with its database number (0 when none is given).

    Options after "?" stay: a managed Redis over TLS needs `rediss://...?ssl_cert_reqs=required`.
    A `db` option in the query becomes the path, the one place every client reads it from.
    """
    parts = urlsplit(url)
    options = parse_qsl(parts.query)
    number = parts.path.strip("/") or next((v for k, v in options if k == "db"), "0")
    query = urlencode([(k, v) for k, v in options if k != "db"])
    return parts._replace(path=f"/{number}", query=query).geturl()


if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            # Django's Redis cache, read as empty while Redis is down (coproduce/cache.py); a
            # Redis that hangs costs a page at most a second before it is treated so.
            "BACKEND": "coproduce.cache.ResilientRedisCache",
            "LOCATION": _redis_location(REDIS_URL),
            "KEY_PREFIX": f"{REDIS_KEY_PREFIX}:cache",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Every signed-in page reads the session: with Redis it is read from the cache, and still
# written to the database, so a Redis restart signs nobody out. Without Redis each process
# would keep its own cache, so sessions stay in the database alone.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# --- Authentication: email login through allauth, object permissions through guardian -------
AUTH_USER_MODEL = "coproduce.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Django's checks, with their rules in plain words (coproduce/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "coproduce.passwords.LongEnough"},
    {"NAME": "coproduce.passwords.NotOnlyNumbers"},
    {"NAME": "coproduce.passwords.NotCommon"},
    {"NAME": "coproduce.passwords.NotLikeYourDetails"},
]
LOGIN_URL = reverse_lazy("account_login")
LOGIN_REDIRECT_URL = reverse_lazy("dashboard")
ACCOUNT_LOGOUT_REDIRECT_URL = reverse_lazy("home")

# allauth 65 names (the pre-65 ACCOUNT_AUTHENTICATION_METHOD and friends are deprecated).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 15 * 60  # people on slow phones need longer than the 3 min default
# Six digits and nothing else: a phone shows its number keypad, and the code reads out plainly.
# allauth allows 3 tries per code (ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS), so a guess has a
# 3 in a million chance per code; ACCOUNT_RATE_LIMITS caps the codes per address a day.
ACCOUNT_LOGIN_BY_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Signing in by phone: someone with a checked mobile number asks for a code by text on the
# "Text me a code" page (coproduce/phone_sign_in.py) and types it on allauth's code page.
# "phone" stays out of ACCOUNT_LOGIN_METHODS on purpose: there it would turn the email box of
# every sign-in form into one "Email or phone" box. The adapter's phone methods (get_phone,
# get_user_by_phone, send_verification_code_sms...) serve allauth's code flow all the same.
# Texted codes are six digits, typed on a phone's number pad; they last as long as emailed
# codes, and the text says for how long.
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = ACCOUNT_LOGIN_BY_CODE_TIMEOUT
ACCOUNT_SIGNUP_FORM_CLASS = "coproduce.forms.SignupDetailsForm"
ACCOUNT_ADAPTER = "coproduce.adapter.AccountAdapter"


def named_forms(forms: dict[str, str]) -> dict[str, str]:
    """allauth's form names mapped to the classes in coproduce/account_forms.py."""
    return {name: f"coproduce.account_forms.{form}" for name, form in forms.items()}


# allauth's forms in plain words; every one that takes an email address refuses one too long
# to keep (coproduce/account_forms.py).
ACCOUNT_FORMS = named_forms(
    {
        "login": "LoginForm",
        "signup": "SignupForm",
        "add_email": "AddEmailForm",
        "change_email": "ChangeEmailForm",
        "reset_password": "ResetPasswordForm",
        "request_login_code": "RequestLoginCodeForm",
        "confirm_login_code": "ConfirmLoginCodeForm",
        "change_password": "ChangePasswordForm",
        "set_password": "SetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
        "reauthenticate": "ReauthenticateForm",
    }
)
MFA_FORMS = named_forms(
    {
        "authenticate": "AuthenticateForm",
        "reauthenticate": "MfaReauthenticateForm",
        "activate_totp": "ActivateTOTPForm",
        "deactivate_totp": "DeactivateTOTPForm",
        "generate_recovery_codes": "GenerateRecoveryCodesForm",
    }
)
# Set false for an invitation-only site: people then join only through an invitation link.
ACCOUNT_ALLOW_SIGNUP: bool = env.bool("ACCOUNT_ALLOW_SIGNUP", default=True)
# Subjects are whole sentences that name the site themselves ("Your code to sign in to coproduce").
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
# A short email when a password, an email address or two-step sign-in changes, so that someone
# whose account another person uses finds out and can act.
ACCOUNT_EMAIL_NOTIFICATIONS: bool = env.bool("ACCOUNT_EMAIL_NOTIFICATIONS", default=True)
# Rate limits are on (they need a shared cache: Redis in production).
ACCOUNT_RATE_LIMITS = {
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
    # Per address or mobile number (the key): 3 codes a minute, and 20 a day. Codes are six
    # digits with 3 tries each, so without a daily cap someone asking for 3 codes a minute all
    # day would have about 13,000 guesses, a 1 in 77 chance of getting into the account; with
    # it, 60 guesses a day. The cap also bounds what texts to one number can cost. The text
    # page ("Text me a code", coproduce/phone_sign_in.py) counts against the same limits.
    "request_login_code": "20/m/ip,3/m/key,20/d/key",
    # Texts members send in (participation.views.texts): a flood from one address is refused,
    # and a phone sending more than 10 a minute (an auto-reply loop) is kept but not answered.
    "inbound_text": "600/m/ip",
    "inbound_text_number": "10/m/key",
}
ALLAUTH_TRUSTED_PROXY_COUNT: int = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "coproduce.adapter.MfaAdapter"
MFA_TOTP_ISSUER = "coproduce"

# Nobody gets object permissions without signing in, so guardian needs no anonymous user row.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND: str = env.str(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_FILE_PATH: str = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent_emails"))
EMAIL_HOST: str = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT: int = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER: str = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD: str = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS: bool = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="coproduce <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------
# With no REDIS_URL, tasks run in-process so a laptop needs nothing else running.
CELERY_BROKER_URL = _redis_location(REDIS_URL) if REDIS_URL else "memory://"
CELERY_RESULT_BACKEND = _redis_location(REDIS_URL) if REDIS_URL else None
CELERY_TASK_ALWAYS_EAGER: bool = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# At-least-once delivery: a task is acknowledged only after it ran, and a worker that dies
# mid-task hands it back. Every task is idempotent, so running twice is harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
# No task here runs longer than a minute and nothing uses a long ETA (due times live in the
# database), so a 30-minute visibility timeout only delays the redelivery of a lost task.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 1800,
    "socket_timeout": 30,
    "socket_connect_timeout": 5,
    "health_check_interval": 25,
    "global_keyprefix": f"{REDIS_KEY_PREFIX}:broker:",
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "global_keyprefix": f"{REDIS_KEY_PREFIX}:results:",
}
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = 10
CELERY_TIMEZONE = "Europe/London"
# The whole beat schedule lives here, in one place. Run exactly one `celery beat`.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "close-due-gates": {
        "task": "projects.tasks.close_due_gates_task",
        "schedule": 60.0,
    },
    "clear-expired-sessions": {
        "task": "coproduce.tasks.clear_expired_sessions",
        "schedule": crontab(minute="17", hour="3"),
    },
    # The outbox relay: sends every message whose (next) attempt is due, including any whose
    # after-commit kick never reached the broker.
    "relay-outbox": {
        "task": "participation.tasks.relay_outbox",
        "schedule": 60.0,
    },
    # Writes due reminders into the outbox (each once, by its unique key), then sends them.
    "send-reminders": {
        "task": "participation.tasks.send_reminders",
        "schedule": crontab(minute="*/5"),
    },
    # Removes personal data past its retention period (RETENTION_* below), nightly.
    "purge-expired": {
        "task": "participation.tasks.purge_expired",
        "schedule": crontab(minute="41", hour="3"),
    },
    # Re-checks every project's hash chain, so the evidence pack and the report can say the
    # record checks out without reading the log per page view.
    "check-records": {
        "task": "projects.tasks.check_records",
        "schedule": crontab(minute="17"),
    },
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
# Every date and time is written in one of the formats named in coproduce/formats/en/formats.py.
FORMAT_MODULE_PATH = ["coproduce.formats"]
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (receipts). Outside the static folders and never given a public URL: only views
# that check who is asking hand them out. Point MEDIA_ROOT at a backed-up folder in production.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT: bool = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS: int = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Pages use no inline script or style, so the policy can be strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# check --deploy warns that HSTS preload is off; joining the preload list is the operator's call.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- The read-only API (/api/v1/; coproduce/api, each app's `api` package) -----------------
# Personal tokens (`Authorization: Bearer cpd_…`) or a signed-in browser; every answer is JSON.
# Requests per person (per address for those not signed in), counted in the cache: while
# Redis is down the cache reads as empty, so nothing is counted until it is back.
API_RATE_PER_PERSON: str = env.str("API_RATE_PER_PERSON", default="120/minute")
API_RATE_ANONYMOUS: str = env.str("API_RATE_ANONYMOUS", default="20/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "coproduce.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "coproduce.api.pagination.StablePages",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"user": API_RATE_PER_PERSON, "anon": API_RATE_ANONYMOUS},
    "DEFAULT_SCHEMA_CLASS": "coproduce.api.schema.ApiSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT,
    "COERCE_DECIMAL_TO_STRING": False,
    "EXCEPTION_HANDLER": "coproduce.api.errors.plain_words",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "coproduce API",
    "DESCRIPTION": (
        "Read-only access to the projects you are a member of, on the same rules as the site: "
        "a token reads exactly what its owner's pages show."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choices are listed on the documentation page itself, not as Markdown in descriptions.
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    # One name for each set of choices used in several places.
    "ENUM_NAME_OVERRIDES": {"StageEnum": "projects.models.Stage.choices"},
}

# --- Notifications --------------------------------------------------------------------------
# Text messages go through coproduce/sms.py. "coproduce.sms.ConsoleBackend" prints them,
# "coproduce.sms.FileBackend" writes one file each into SMS_FILE_PATH; a provider is a class
# with send_messages(), named here by its dotted path (see the README). A name that cannot be
# loaded stops the site at start-up (coproduce/checks.py).
SMS_BACKEND: str = env.str("SMS_BACKEND", default="coproduce.sms.ConsoleBackend")
SMS_FILE_PATH: str = env.str("SMS_FILE_PATH", default=str(BASE_DIR / "sent_texts"))
# Texts members send in arrive at /texts/inbound/ from the provider named here. The fake
# provider (development and tests) signs each request with SMS_WEBHOOK_SECRET; Twilio signs
# with the account's auth token, and SMS_FROM is the number texts come from. See the README.
SMS_INBOUND_BACKEND: str = env.str("SMS_INBOUND_BACKEND", default="coproduce.sms.FakeInbound")
SMS_WEBHOOK_SECRET: str = env.str(
    "SMS_WEBHOOK_SECRET", default="development-texts-secret" if DEBUG else ""
)
TWILIO_ACCOUNT_SID: str = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN: str = env.str("TWILIO_AUTH_TOKEN", default="")
SMS_FROM: str = env.str("SMS_FROM", default="")
INVITATION_EXPIRY_DAYS: int = env.int("INVITATION_EXPIRY_DAYS", default=14)
# When reminders go out. Due times live in the database; the send-reminders sweep finds them.
INVITATION_REMINDER_DAYS: list[int] = env.list(
    "INVITATION_REMINDER_DAYS", cast=int, default=[3, 10]
)
GATE_REMINDER_HOURS: list[int] = env.list("GATE_REMINDER_HOURS", cast=int, default=[48, 24])
# "Activity tomorrow": sent once, this many hours or less before an activity starts (0: never).
ACTIVITY_REMINDER_HOURS: int = env.int("ACTIVITY_REMINDER_HOURS", default=24)
SIGNOFF_REMINDER_DAYS: list[int] = env.list("SIGNOFF_REMINDER_DAYS", cast=int, default=[2, 7])
# An evaluation survey still unanswered this many days after it was asked gets one reminder.
SURVEY_REMINDER_DAYS: int = env.int("SURVEY_REMINDER_DAYS", default=7)
# A message that keeps failing is retried with growing, jittered waits (1, 2, 4 ... minutes,
# at most OUTBOX_MAX_DELAY_MINUTES apart), then marked failed after OUTBOX_MAX_ATTEMPTS.
OUTBOX_MAX_ATTEMPTS: int = env.int("OUTBOX_MAX_ATTEMPTS", default=10)
OUTBOX_MAX_DELAY_MINUTES: int = env.int("OUTBOX_MAX_DELAY_MINUTES", default=240)
# How many messages one relay run sends; the rest wait for the next minute's run.
OUTBOX_BATCH_SIZE: int = env.int("OUTBOX_BATCH_SIZE", default=200)
# Webhooks (participation/messages/webhooks.py). Off, a webhook reaches only public addresses
# over HTTPS, checked again as each request is sent, so that nobody can aim one at the site's
# own network. On (the default while DEBUG), http:// and local or private addresses too, for
# trying a receiver on your own machine; `check --deploy` warns when it is on in production.
WEBHOOKS_ALLOW_LOCAL: bool = env.bool("WEBHOOKS_ALLOW_LOCAL", default=DEBUG)
# Seconds to wait for a receiver to connect and to answer, before the attempt counts as failed.
WEBHOOK_TIMEOUT_SECONDS: int = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)
# Retention (participation/services/retention.py; the README states each period). Days after
# a message was sent that its address, error text and, for texts, its words are kept:
RETENTION_MESSAGE_DAYS: int = env.int("RETENTION_MESSAGE_DAYS", default=90)
# Days after an unaccepted invitation expired or was withdrawn before it is deleted:
RETENTION_INVITATION_DAYS: int = env.int("RETENTION_INVITATION_DAYS", default=90)
# Days after an invitation's link stopped working before the secret that rebuilds it is cleared:
RETENTION_LINK_DAYS: int = env.int("RETENTION_LINK_DAYS", default=0)
# Rows purged per transaction: short transactions, so the site never waits on a purge.
RETENTION_BATCH_SIZE: int = env.int("RETENTION_BATCH_SIZE", default=500)
# Phone numbers typed without a country code ("07700 900123") are read as numbers of this
# region (an ISO 3166 code, e.g. "GB" or "IE"); every number is stored as +<country><number>.
PHONE_DEFAULT_REGION: str = env.str("PHONE_DEFAULT_REGION", default="GB").upper()
