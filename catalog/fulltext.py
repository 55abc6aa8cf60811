"""Catalog search through the database's own full-text index.

A search matches a course when every word is in its title or in its provider's name. One
index holds both, per course, as `title + newline + provider name` in the table
`catalog_course_search`, kept in step by triggers in the database itself (a course added,
retitled, moved to another provider or deleted; a provider renamed), so that no write path,
bulk or not, can leave it behind:

- SQLite: an FTS5 table with the trigram tokenizer;
- PostgreSQL: a table with a trigram (pg_trgm) GIN index on UPPER(body).

`candidates(words)` asks the index for the courses that hold every word of three letters or
more (a superset: the index folds case more widely than the plain match does), up to
`CANDIDATES`. The caller keeps the plain match on top, so the results are exactly those of a
scan. When the index finds more than `CANDIDATES` courses, the words are common: walking the
catalog in number order finds a page of them sooner than sorting every match, and the caller
does that instead.
"""

import hashlib

from django.core.cache import cache
from django.db import connection

TABLE = "catalog_course_search"
# The trigram index reads three characters at a time: a shorter word is left to the scan.
MIN_INDEXED = 3
# Up to this many matches, the page is sorted from the index's matches; beyond, the catalog
# is walked in number order (a word in more than 1 course in 200 at full scale).
CANDIDATES = 500
# How long a search known to match more than CANDIDATES courses skips the index and walks.
COMMON_SECONDS = 3600

# --- SQLite -------------------------------------------------------------------------------

_SQLITE_BODY = (
    "new.title || char(10) || (SELECT name FROM catalog_provider WHERE id = new.provider_id)"
)
SQLITE_CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(body, tokenize='trigram')"
)
SQLITE_TRIGGERS = {
    f"{TABLE}_insert": (
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON catalog_course BEGIN "
        f"INSERT INTO {TABLE}(rowid, body) VALUES (new.id, {_SQLITE_BODY}); END"
    ),
    f"{TABLE}_update": (
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_update "
        "AFTER UPDATE OF title, provider_id ON catalog_course BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid = old.id; "
        f"INSERT INTO {TABLE}(rowid, body) VALUES (new.id, {_SQLITE_BODY}); END"
    ),
    f"{TABLE}_delete": (
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON catalog_course BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid = old.id; END"
    ),
    f"{TABLE}_provider": (
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_provider "
        "AFTER UPDATE OF name ON catalog_provider BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid IN "
        "(SELECT id FROM catalog_course WHERE provider_id = new.id); "
        f"INSERT INTO {TABLE}(rowid, body) SELECT id, title || char(10) || new.name "
        "FROM catalog_course WHERE provider_id = new.id; END"
    ),
}
SQLITE_FILL = [
    f"DELETE FROM {TABLE}",
    f"INSERT INTO {TABLE}(rowid, body) SELECT c.id, c.title || char(10) || p.name "
    "FROM catalog_course c JOIN catalog_provider p ON p.id = c.provider_id",
]

# --- PostgreSQL ---------------------------------------------------------------------------

_PG_BODY = (
    "NEW.title || E'\\n' || "
    "COALESCE((SELECT name FROM catalog_provider WHERE id = NEW.provider_id), '')"
)
POSTGRES_CREATE = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} (course_id bigint PRIMARY KEY, body text NOT NULL)",
    f"CREATE OR REPLACE FUNCTION {TABLE}_course() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP = 'DELETE' THEN DELETE FROM {TABLE} WHERE course_id = OLD.id; RETURN OLD; END IF; "
    f"INSERT INTO {TABLE}(course_id, body) VALUES (NEW.id, {_PG_BODY}) "
    "ON CONFLICT (course_id) DO UPDATE SET body = EXCLUDED.body; RETURN NEW; END $$",
    f"CREATE OR REPLACE FUNCTION {TABLE}_provider() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN UPDATE {TABLE} s SET body = c.title || E'\\n' || NEW.name FROM catalog_course c "
    "WHERE c.provider_id = NEW.id AND s.course_id = c.id; RETURN NEW; END $$",
    f"DROP TRIGGER IF EXISTS {TABLE}_course ON catalog_course",
    f"CREATE TRIGGER {TABLE}_course AFTER INSERT OR DELETE OR UPDATE OF title, provider_id "
    f"ON catalog_course FOR EACH ROW EXECUTE FUNCTION {TABLE}_course()",
    f"DROP TRIGGER IF EXISTS {TABLE}_provider ON catalog_provider",
    f"CREATE TRIGGER {TABLE}_provider AFTER UPDATE OF name ON catalog_provider "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_provider()",
    f"TRUNCATE {TABLE}",
    f"INSERT INTO {TABLE}(course_id, body) SELECT c.id, c.title || E'\\n' || p.name "
    "FROM catalog_course c JOIN catalog_provider p ON p.id = c.provider_id",
]
# Optional, as in 0005: where pg_trgm cannot be created, the table is read without an index.
POSTGRES_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {TABLE}_trgm ON {TABLE} USING gin (UPPER(body) gin_trgm_ops)"
)
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_course ON catalog_course",
    f"DROP TRIGGER IF EXISTS {TABLE}_provider ON catalog_provider",
    f"DROP FUNCTION IF EXISTS {TABLE}_course()",
    f"DROP FUNCTION IF EXISTS {TABLE}_provider()",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def candidates(words: list[str]) -> list[int] | None:
    """The ids of the courses whose title and provider's name together may hold every word
    (a superset), or None where the index cannot help: no word long enough, another database,
    or more than CANDIDATES matches (the caller walks the catalog instead)."""
    indexed = [w for w in words if len(w) >= MIN_INDEXED]
    if not indexed:
        return None
    common = _common_key(indexed)
    if cache.get(common):
        return None
    if connection.vendor == "sqlite":
        # Each word a quoted phrase; phrases side by side must all match.
        query = " ".join('"' + w.replace('"', '""') + '"' for w in indexed)
        sql = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s LIMIT %s"
        params = [query, CANDIDATES + 1]
    elif connection.vendor == "postgresql":
        where = " AND ".join(["UPPER(body) LIKE UPPER(%s)"] * len(indexed))
        sql = f"SELECT course_id FROM {TABLE} WHERE {where} LIMIT %s"
        params = [*(_like(w) for w in indexed), CANDIDATES + 1]
    else:
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) > CANDIDATES:
        # Remembered for a while: a common word stays common, and walking is right either way.
        cache.set(common, True, COMMON_SECONDS)
        return None
    return ids


def _common_key(words: list[str]) -> str:
    text = "\n".join(sorted(w.casefold() for w in words))
    digest = hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
    return f"search-common:{connection.vendor}:{CANDIDATES}:{digest}"


def create_sqlite(cursor) -> None:
    cursor.execute(SQLITE_CREATE_TABLE)
    for sql in SQLITE_TRIGGERS.values():
        cursor.execute(sql)
    for sql in SQLITE_FILL:
        cursor.execute(sql)


def sync_sqlite(using="default", **kwargs):
    """After every migrate on SQLite: the triggers back (a table rebuilt by a later migration
    loses them), and the index refilled when they had gone."""
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        if TABLE not in conn.introspection.table_names(cursor):
            return
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [f"{TABLE}_%"],
        )
        if cursor.fetchone()[0] == len(SQLITE_TRIGGERS):
            return
        create_sqlite(cursor)
