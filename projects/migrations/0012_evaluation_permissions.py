"""Two permissions for evaluation, granted to every existing project's groups as the role
table (projects/permissions.py) says: experts by experience and practitioners answer the
evaluation surveys and write the team's summary and peer research findings. New projects get
them when they are created."""

from typing import Any

from django.db import migrations

GRANTS = {
    "expert_by_experience": ["answer_surveys", "write_evaluation"],
    "practitioner": ["answer_surveys", "write_evaluation"],
}
NAMES = {
    "answer_surveys": "Answer evaluation surveys",
    "write_evaluation": "Write the evaluation summary and peer research findings",
}


def grant(apps: Any, schema_editor: Any) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    ProjectRoleGroup = apps.get_model("projects", "ProjectRoleGroup")
    GroupPerm = apps.get_model("projects", "ProjectGroupObjectPermission")
    # Django makes permission rows after migrating; these are needed now, so made here.
    content_type, _ = ContentType.objects.get_or_create(app_label="projects", model="project")
    perms = {
        codename: Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )[0]
        for codename, name in NAMES.items()
    }
    GroupPerm.objects.bulk_create(
        [
            GroupPerm(group_id=row.group_id, permission=perms[codename], content_object_id=row.project_id)
            for row in ProjectRoleGroup.objects.filter(key__in=GRANTS)
            for codename in GRANTS[row.key]
        ],
        ignore_conflicts=True,
    )


def revoke(apps: Any, schema_editor: Any) -> None:
    GroupPerm = apps.get_model("projects", "ProjectGroupObjectPermission")
    GroupPerm.objects.filter(permission__codename__in=NAMES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0011_activity_cancelled_event"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="project",
            options={
                "ordering": ["title"],
                "permissions": [
                    ("manage_members", "Invite, change and remove members"),
                    ("manage_gates", "Propose and open stage decisions"),
                    ("vote", "Vote on stage decisions"),
                    ("sign_off", "Sign off co-production"),
                    ("record_activities", "Record activities and attendance"),
                    ("contribute", "Add ideas and comments"),
                    ("view_access_needs", "See members' access needs"),
                    ("view_evaluation", "See evaluation reports"),
                    ("manage_payments", "Set the payment policy and decide expenses"),
                    ("claim_expenses", "Claim expenses"),
                    ("answer_surveys", "Answer evaluation surveys"),
                    (
                        "write_evaluation",
                        "Write the evaluation summary and peer research findings",
                    ),
                ],
                "verbose_name": "project",
                "verbose_name_plural": "projects",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
