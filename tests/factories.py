from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress

from coproduce.models import User
from projects import services
from projects.models import Project, Role

PASSWORD = "a-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    """A signed-up person whose email is verified, with the password PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("first_name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class ProjectFactory(factory.django.DjangoModelFactory):
    """A project started through the services, so its role groups and first co-lead exist.

    `created_by` is the co-lead who starts it, in `creator_role`; other settings pass through.
    """

    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"Project {n}")
    summary = "Design a service with the people who will use it."
    created_by = factory.SubFactory(UserFactory)
    creator_role = Role.PRACTITIONER

    @classmethod
    def _create(cls, model_class: type[Project], *args: Any, **fields: Any) -> Project:
        return services.create_project(
            creator=fields.pop("created_by"), creator_role=fields.pop("creator_role"), **fields
        )
