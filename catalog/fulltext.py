"""Title search through the database's own full-text index, shaped so that the index is used.

SQLite: an FTS5 table with the trigram tokenizer (`catalog_course_fts`, kept in step with
catalog_course by triggers) finds every title holding a word of three letters or more. PostgreSQL:
the trigram index on UPPER(title) (pg_trgm), asked in a subquery of its own so that the planner
reaches for it instead of walking the catalog in number order. Either is a fast superset of the
titles that hold the word; the caller keeps `title__icontains` on top, so the results are exactly
those of the plain scan: same accents, same case rules, same partial words.
"""

from django.db import connection

FTS_TABLE = "catalog_course_fts"
# The trigram tokenizer indexes three characters at a time: a shorter word is scanned.
MIN_INDEXED = 3

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
CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "title, content='catalog_course', content_rowid='id', tokenize='trigram')"
)
REBUILD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matching_ids(word: str) -> tuple[str, list] | None:
    """SQL and parameters for the ids of courses whose title or provider's name may hold the
    word (a superset, from the indexes), or None where no index helps (the caller scans)."""
    like = _like(word)
    providers = (
        "SELECT id FROM catalog_course WHERE provider_id IN "
        "(SELECT id FROM catalog_provider WHERE UPPER(name) LIKE UPPER(%s) ESCAPE '\\')"
    )
    if connection.vendor == "sqlite":
        if len(word) < MIN_INDEXED:  # the table is there: migration 0010 made it
            return None
        phrase = '"' + word.replace('"', '""') + '"'
        return (f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s UNION {providers}",
                [phrase, like])  # fmt: skip
    if connection.vendor == "postgresql":
        return (
            "SELECT id FROM catalog_course WHERE UPPER(title::text) LIKE UPPER(%s) "
            f"UNION {providers}",
            [like, like],
        )
    return None


def sync_sqlite(using="default", **kwargs):
    """After every migrate on SQLite: the triggers back (a table rebuilt by a later migration
    loses them) and the index rebuilt when it had fallen out of step."""
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        if FTS_TABLE not in conn.introspection.table_names(cursor):
            return
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [f"{FTS_TABLE}_%"],
        )
        if cursor.fetchone()[0] == len(CREATE_TRIGGERS):
            return
        for sql in CREATE_TRIGGERS:
            cursor.execute(sql)
        cursor.execute(REBUILD)
