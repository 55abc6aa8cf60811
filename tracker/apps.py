from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate


def _fully_migrated(using: str) -> bool:
    """True when the database has every migration: the current models match its tables."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def _seed_rules(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    # `migrate tracker 0005` (or any partial migrate) also ends here: the current models would
    # not fit the tables, so seed only a fully migrated database.
    if using != DEFAULT_DB_ALIAS or not _fully_migrated(using):
        return
    from .seeding import ensure_seeded

    ensure_seeded()


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "My CECs"

    def ready(self):
        # The data migrations seed every certifier once; this puts them back after a database
        # is emptied (manage.py flush, transactional tests) and never overwrites an admin's edits.
        post_migrate.connect(_seed_rules, sender=self, dispatch_uid="tracker.seed_rules")
        from . import freshness

        freshness.connect()
