"""Whether a decision needs sign-off is now fixed when its voting opens (like its rule).

Decisions already open were saved before that, with "needs sign-off" unset: give them what the
project asks today, which is what their close would have used.
"""

from django.db import migrations
from django.db.models import Q


def fix_open_gates(apps, schema_editor):
    Gate = apps.get_model("projects", "Gate")
    Gate.objects.filter(status="open").filter(
        Q(from_stage="commissioning") | Q(project__signoff_every_gate=True)
    ).update(signoff_required=True)


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_keep_people_with_a_record")]

    operations = [migrations.RunPython(fix_open_gates, migrations.RunPython.noop)]
