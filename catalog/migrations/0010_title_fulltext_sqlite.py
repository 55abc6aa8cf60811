from django.db import migrations

# SQLite only: an FTS5 index of course titles (trigram tokenizer), kept in step by triggers.
# PostgreSQL has its trigram index already (0005). Replaced by the index of 0012.

FTS_TABLE = "catalog_course_fts"
CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "title, content='catalog_course', content_rowid='id', tokenize='trigram')"
)
CREATE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON catalog_course BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, title) VALUES (new.id, new.title); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON catalog_course BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title) VALUES ('delete', old.id, old.title); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE OF title ON catalog_course "
    f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title) "
    "VALUES ('delete', old.id, old.title); "
    f"INSERT INTO {FTS_TABLE}(rowid, title) VALUES (new.id, new.title); END",
]
REBUILD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(CREATE_TABLE)
    for sql in CREATE_TRIGGERS:
        schema_editor.execute(sql)
    schema_editor.execute(REBUILD)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in ("insert", "delete", "update"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{name}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0010_bounded_text"),
    ]

    operations = [migrations.RunPython(create, drop)]
