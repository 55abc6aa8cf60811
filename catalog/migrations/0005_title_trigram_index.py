from django.db import migrations, transaction

# Title-word search is `UPPER(title) LIKE UPPER('%word%')`; on PostgreSQL a trigram index turns
# that from a scan of the whole catalog into an index lookup. It needs the pg_trgm extension:
# where the database user may not create it, the index is skipped and search still works.
CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS course_title_trgm ON catalog_course "
    "USING gin (UPPER(title::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS provider_name_trgm ON catalog_provider "
    "USING gin (UPPER(name::text) gin_trgm_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS course_title_trgm",
    "DROP INDEX IF EXISTS provider_name_trgm",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            for sql in CREATE:
                schema_editor.execute(sql)
    except Exception:  # noqa: BLE001 - an optional speed-up; never block a migration
        pass


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_catalog_order_index"),
    ]

    operations = [migrations.RunPython(create, drop)]
