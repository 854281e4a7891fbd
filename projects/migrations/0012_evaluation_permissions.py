"""Two permissions for evaluation, granted to every existing project's groups as the role
table (projects/permissions.py) says: experts by experience and practitioners answer the
evaluation surveys and write the team's summary and peer research findings. New projects get
them when they are created."""

from django.db import migrations

from projects.migration_grants import grant_to_groups

GRANTS = {
    "expert_by_experience": ["answer_surveys", "write_evaluation"],
    "practitioner": ["answer_surveys", "write_evaluation"],
}
NAMES = {
    "answer_surveys": "Answer evaluation surveys",
    "write_evaluation": "Write the evaluation summary and peer research findings",
}


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
        grant_to_groups(GRANTS, NAMES),
    ]
