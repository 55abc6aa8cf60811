from django.db import migrations

from catalog import fulltext

# SQLite only: an FTS5 index of course titles (trigram tokenizer), kept in step by triggers.
# PostgreSQL has its trigram index already (0005).


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(fulltext.CREATE_TABLE)
    for sql in fulltext.CREATE_TRIGGERS:
        schema_editor.execute(sql)
    schema_editor.execute(fulltext.REBUILD)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in ("insert", "delete", "update"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {fulltext.FTS_TABLE}_{name}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {fulltext.FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0010_bounded_text"),
    ]

    operations = [migrations.RunPython(create, drop)]
