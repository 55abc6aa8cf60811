"""Versions of shared data, kept by the database: a page everyone sees alike (the catalog, the
queues) is cached under the version of what it shows, and served from the cache until a
write changes that version.

The table `cecportal_version` holds one row per name in `WATCHED`. Triggers on the tables a
name watches give it a new random value on every insert, delete or update (only updates of the
columns listed, where some are), whatever made the write: a service, the admin, a bulk import, a
cascade. A random value, not a count: a write rolled back leaves the old value, and the value
it had meanwhile is never given again, so nothing cached under it is ever read.

`install()` runs after every `migrate` (and `flush`): it creates what is missing, puts the
triggers back (SQLite drops a table's triggers when a migration rebuilds it) and gives every
name a new value.
"""

import hashlib

from django.db import connection, connections
from django.utils import timezone

TABLE = "cecportal_version"

# name: {table: None for any insert, update or delete; or the columns whose update changes the
# name (a row added or removed there is seen through the watched tables that point at it)}
WATCHED = {
    # The catalog and its reviewers' queue: courses, their sessions and other certifiers'
    # approvals, providers, certifiers, and who registered a course (shown by email).
    "catalog": {
        "catalog_course": None,
        "catalog_session": None,
        "catalog_courseapproval": None,
        "catalog_provider": None,
        "tracker_certifier": None,
        "accounts_user": ("email",),
    },
    # The petition queue and a petition's page: petitions, their documents and history, the
    # names of the programs they count toward, and the names of petitioners and reviewers.
    "petitions": {
        "petitions_petition": None,
        "petitions_document": None,
        "petitions_petitionevent": None,
        "tracker_program": None,
        "accounts_user": ("first_name", "last_name", "email"),
    },
}


def current(*names: str) -> str:
    """The versions of `names`, as one string for a cache key (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, value FROM {TABLE} WHERE name IN ({', '.join(['%s'] * len(names))})",
            list(names),
        )
        found = dict(cursor.fetchall())
    return ".".join(f"{found.get(name, 'none')}" for name in names)


def _watchers() -> dict[str, tuple[list[str], set[str] | None]]:
    """table: (the names that watch it, the columns watched; None for any)."""
    out: dict[str, tuple[list[str], set[str] | None]] = {}
    for name, tables in WATCHED.items():
        for table, columns in tables.items():
            names, cols = out.get(table, ([], set()))
            names.append(name)
            cols = None if cols is None or columns is None else cols | set(columns)
            out[table] = (names, cols)
    return out


def _changed(columns, old: str, new: str, differs: str) -> str:
    return " OR ".join(f"{old}.{c} {differs} {new}.{c}" for c in sorted(columns))


def _sqlite(tables: set[str]) -> list[str]:
    sql = [
        f"CREATE TABLE IF NOT EXISTS {TABLE} (name varchar(40) PRIMARY KEY, value bigint NOT NULL)",
        *(f"INSERT OR IGNORE INTO {TABLE}(name, value) VALUES ('{n}', 0)" for n in WATCHED),
        f"UPDATE {TABLE} SET value = abs(random())",
    ]
    for table, (names, columns) in _watchers().items():
        quoted = ", ".join(f"'{n}'" for n in names)
        bump = f"UPDATE {TABLE} SET value = abs(random()) WHERE name IN ({quoted});"
        update = f"UPDATE OF {', '.join(sorted(columns))}" if columns else "UPDATE"
        for op, event in (("insert", "INSERT"), ("update", update), ("delete", "DELETE")):
            trigger = f"{TABLE}_{table}_{op}"
            sql.append(f"DROP TRIGGER IF EXISTS {trigger}")
            if table in tables and (op == "update" or not columns):
                when = f"WHEN {_changed(columns, 'old', 'new', 'IS NOT')} " if columns else ""
                sql.append(
                    f"CREATE TRIGGER {trigger} AFTER {event} ON {table} {when}BEGIN {bump} END"
                )
    return sql


def _postgres(tables: set[str]) -> list[str]:
    sql = [
        f"CREATE TABLE IF NOT EXISTS {TABLE} (name varchar(40) PRIMARY KEY, value bigint NOT NULL)",
        *(
            f"INSERT INTO {TABLE}(name, value) VALUES ('{n}', 0) ON CONFLICT (name) DO NOTHING"
            for n in WATCHED
        ),
        f"UPDATE {TABLE} SET value = floor(random() * 9e18)::bigint",
        f"CREATE OR REPLACE FUNCTION {TABLE}_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN UPDATE {TABLE} SET value = floor(random() * 9e18)::bigint "
        "WHERE name = ANY(TG_ARGV); RETURN NULL; END $$",
    ]
    for table, (names, columns) in _watchers().items():
        trigger = f"{TABLE}_{table}"
        sql.append(f"DROP TRIGGER IF EXISTS {trigger} ON {table}" if table in tables else "")
        if table not in tables:
            continue
        args = ", ".join(f"'{n}'" for n in names)
        if columns:
            # Per row, when one of the columns really changed (a save writes every column).
            changed = _changed(columns, "OLD", "NEW", "IS DISTINCT FROM")
            sql.append(
                f"CREATE TRIGGER {trigger} AFTER UPDATE OF {', '.join(sorted(columns))} "
                f"ON {table} FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {TABLE}_bump({args})"
            )
        else:
            # Once per statement: a bulk import of 10,000 courses changes the version once.
            sql.append(
                f"CREATE TRIGGER {trigger} AFTER INSERT OR DELETE OR UPDATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_bump({args})"
            )
    return [s for s in sql if s]


def install(using="default", **kwargs) -> None:
    """The table, a new value for every name, and the triggers on the watched tables that
    exist (a partial migrate leaves some out). Safe to run any number of times."""
    conn = connections[using]
    if conn.vendor not in ("sqlite", "postgresql"):
        return
    with conn.cursor() as cursor:
        tables = set(conn.introspection.table_names(cursor)) & set(_watchers())
        for sql in (_sqlite if conn.vendor == "sqlite" else _postgres)(tables):
            cursor.execute(sql)


def page_key(request, *names: str, when: str = "") -> str:
    """The cache key of what a shared page shows to everyone alike: the versions of `names`,
    `when` it is as of (today's date unless given: what is expired changes with it) and the
    request's query string (the filters and the page, hashed to one size)."""
    query = hashlib.blake2b(request.GET.urlencode().encode(), digest_size=12).hexdigest()
    return f"{current(*names)}:{when or timezone.localdate().isoformat()}:{query}"
