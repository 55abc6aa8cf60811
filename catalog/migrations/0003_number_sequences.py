from django.db import migrations

PREFIXES = ("CEP", "CP", "CA", "CS", "CL")


def create_sequences(apps, schema_editor):
    # One row per prefix from the start, so approvals only ever lock an existing row.
    NumberSequence = apps.get_model("catalog", "NumberSequence")
    for prefix in PREFIXES:
        NumberSequence.objects.get_or_create(prefix=prefix)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_queue_indexes"),
    ]

    operations = [
        migrations.RunPython(create_sequences, migrations.RunPython.noop),
    ]
