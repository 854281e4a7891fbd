"""The permission to record a vote, an idea or a reply for an expert by experience who asks
for help, granted to every existing project's practitioners and co-leads as the role table
(projects/permissions.py) says. New projects get it when they are created."""

from django.db import migrations

from projects.migration_grants import grant_to_groups

GRANTS = {"practitioner": ["help_members"], "co_lead": ["help_members"]}
NAMES = {"help_members": "Record votes, ideas and replies with help"}


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0013_text_replies_and_help'),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='project',
            options={'ordering': ['title'], 'permissions': [('manage_members', 'Invite, change and remove members'), ('manage_gates', 'Propose and open stage decisions'), ('vote', 'Vote on stage decisions'), ('sign_off', 'Sign off co-production'), ('record_activities', 'Record activities and attendance'), ('contribute', 'Add ideas and comments'), ('view_access_needs', "See members' access needs"), ('view_evaluation', 'See evaluation reports'), ('manage_payments', 'Set the payment policy and decide expenses'), ('claim_expenses', 'Claim expenses'), ('answer_surveys', 'Answer evaluation surveys'), ('write_evaluation', 'Write the evaluation summary and peer research findings'), ('help_members', 'Record votes, ideas and replies with help')], 'verbose_name': 'project', 'verbose_name_plural': 'projects'},
        ),
        grant_to_groups(GRANTS, NAMES),
    ]
