"""The one way a migration grants a new project permission to every existing project's role
groups, as the role table (projects/permissions.py) says. New projects get their permissions
when they are created; this is for the projects that already exist.

Kept outside `migrations/` so that every permission migration uses the same code; it reads
models only through `apps`, as a migration must.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def grant_to_groups(grants: dict[str, list[str]], names: dict[str, str]) -> migrations.RunPython:
    """A RunPython operation that creates the permissions `names` (codename -> name) and grants
    them to each project's groups whose key is in `grants` (group key -> codenames); run
    backwards, it takes them away again. Safe to run twice."""

    def grant(apps: Any, schema_editor: Any) -> None:
        content_type_model = apps.get_model("contenttypes", "ContentType")
        permission_model = apps.get_model("auth", "Permission")
        role_group = apps.get_model("projects", "ProjectRoleGroup")
        group_perm = apps.get_model("projects", "ProjectGroupObjectPermission")
        # Django makes permission rows after migrating; these are needed now, so made here.
        content_type, _ = content_type_model.objects.get_or_create(
            app_label="projects", model="project"
        )
        perms = {
            codename: permission_model.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )[0]
            for codename, name in names.items()
        }
        group_perm.objects.bulk_create(
            [
                group_perm(
                    group_id=row.group_id,
                    permission=perms[codename],
                    content_object_id=row.project_id,
                )
                for row in role_group.objects.filter(key__in=grants)
                for codename in grants[row.key]
            ],
            ignore_conflicts=True,
        )

    def revoke(apps: Any, schema_editor: Any) -> None:
        group_perm = apps.get_model("projects", "ProjectGroupObjectPermission")
        group_perm.objects.filter(permission__codename__in=names).delete()

    return migrations.RunPython(grant, revoke)
