"""Fast test settings, factories as fixtures and the named personas every test can use.

Personas: `expert` and `expert2` (lived experience), `practitioner` and `practitioner2`,
`commissioner`, `outsider` (belongs to nothing) and `staff` (site staff). The `project` fixture
puts them into one project; `join` adds more members.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.test import Client
from hypothesis import settings as hypothesis_settings
from pytest_factoryboy import register

from evaluation.models import SurveyRequest
from participation.models import MessageKind, OutboxMessage
from projects import services
from projects.models import Project, Role
from tests.factories import ProjectFactory, UserFactory

SURVEY_KINDS = [MessageKind.SURVEY_REQUEST, MessageKind.SURVEY_REMINDER]

register(UserFactory)
# `project_factory(...)` starts more projects; the model fixture is named `started_project`
# because `project` below is the shared project with every persona in it.
register(ProjectFactory, "started_project")


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Rate-limit counters live in the cache; a private in-memory cache keeps tests apart.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tasks run in-process unless a test starts a real worker (tests/test_celery_worker.py).
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def instruments(db: None) -> None:
    """The built-in questionnaires, loaded again when a test that empties every table (a
    browser test on a live server) ran before this one."""
    from evaluation.instruments import ensure_built_in

    ensure_built_in()


@pytest.fixture
def expert(user_factory: Any) -> Any:
    return user_factory(email="expert@example.org", display_name="Erin")


@pytest.fixture
def practitioner(user_factory: Any) -> Any:
    return user_factory(email="practitioner@example.org", display_name="Pat")


@pytest.fixture
def commissioner(user_factory: Any) -> Any:
    return user_factory(email="commissioner@example.org", display_name="Cam")


@pytest.fixture
def outsider(user_factory: Any) -> Any:
    return user_factory(email="outsider@example.org", display_name="Olu")


@pytest.fixture
def staff(user_factory: Any) -> Any:
    return user_factory(email="staff@example.org", display_name="Stevie", is_staff=True)


@pytest.fixture
def superuser(user_factory: Any) -> Any:
    """Site staff with every admin right, and the two-factor sign-in staff must have."""
    person = user_factory(
        email="superuser@example.org", display_name="Sam", is_staff=True, is_superuser=True
    )
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return person


@pytest.fixture
def admin_site(client: Client, superuser: Any) -> Client:
    """A browser signed in to the Django admin as `superuser`."""
    client.force_login(superuser)
    return client


@pytest.fixture
def expert2(user_factory: Any) -> Any:
    return user_factory(email="expert2@example.org", display_name="Eli")


@pytest.fixture
def practitioner2(user_factory: Any) -> Any:
    return user_factory(email="practitioner2@example.org", display_name="Petra")


@pytest.fixture
def project(practitioner, expert, expert2, practitioner2, commissioner) -> Project:
    """A design-stage project with two members in each bloc and a commissioner.

    Co-leads: practitioner and expert (one from each bloc). expert2 and practitioner2 are
    ordinary voting members; commissioner does not vote; outsider is in no project.
    """
    p = services.create_project(
        creator=practitioner,
        title="Housing First in Lambeth",
        summary="Design a housing service with the people who will use it.",
        creator_role=Role.PRACTITIONER,
    )
    services.add_member(
        project=p, user=expert, role=Role.EXPERT_BY_EXPERIENCE, actor=practitioner, is_co_lead=True
    )
    services.add_member(project=p, user=expert2, role=Role.EXPERT_BY_EXPERIENCE, actor=practitioner)
    services.add_member(project=p, user=practitioner2, role=Role.PRACTITIONER, actor=practitioner)
    services.add_member(project=p, user=commissioner, role=Role.COMMISSIONER, actor=practitioner)
    # Joining asks each new expert by experience and practitioner the impact survey (issue 11).
    # Tests start from a project where nobody has been asked anything yet, so that tests of
    # other messages and reminders see only theirs; tests/test_survey_requests.py checks the
    # requests that joining makes.
    SurveyRequest.objects.all().delete()
    OutboxMessage.objects.filter(kind__in=SURVEY_KINDS).delete()
    return p


@pytest.fixture
def join(user_factory: Any) -> Callable[..., Any]:
    """join(project, role, **user_fields) -> a new user who is a member with that role."""

    def _join(
        project: Project, role: Role | str, *, is_co_lead: bool = False, **fields: Any
    ) -> Any:
        user = user_factory(**fields)
        services.add_member(
            project=project, user=user, role=role, actor=project.created_by, is_co_lead=is_co_lead
        )
        return user

    return _join


# Hypothesis: the default size on a developer's machine; more examples where CI sets
# HYPOTHESIS_PROFILE=ci (.ci/run). Tests that set max_examples themselves keep theirs.
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.register_profile("ci", max_examples=200, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# Fixtures of the tests that run real servers (tests/processes.py).
from tests.processes import mail, redis, static_files  # noqa: E402, F401
