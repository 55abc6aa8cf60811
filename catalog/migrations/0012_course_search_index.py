from django.db import migrations, transaction

from catalog import fulltext

# One full-text index of every course's title and its provider's name (catalog.fulltext),
# kept in step by triggers. It replaces the title-only indexes of 0005 (PostgreSQL) and 0010
# (SQLite).

OLD_SQLITE = "catalog_course_fts"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {OLD_SQLITE}_{name}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {OLD_SQLITE}")
        with schema_editor.connection.cursor() as cursor:
            fulltext.create_sqlite(cursor)
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS course_title_trgm")
        for sql in fulltext.POSTGRES_CREATE:
            schema_editor.execute(sql)
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                schema_editor.execute(fulltext.POSTGRES_INDEX)
        except Exception:  # noqa: BLE001 - an optional speed-up; never block a migration
            pass
        schema_editor.execute(f"ANALYZE {fulltext.TABLE}")


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in fulltext.SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {fulltext.TABLE}")
    elif vendor == "postgresql":
        for sql in fulltext.POSTGRES_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0011_course_approval_history"),
    ]

    operations = [migrations.RunPython(create, drop)]
