"""ACE's published renewal rules, as data an admin can edit afterwards (see tracker/seed.py)."""

from django.db import migrations

from tracker.seed import seed_ace


def seed(apps, schema_editor):
    seed_ace(
        apps.get_model("tracker", "Certifier"),
        apps.get_model("tracker", "KindRule"),
        apps.get_model("tracker", "Program"),
    )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0002_entry_certifier")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
