from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_rules(sender, using="default", **kwargs):
    from .seed import ensure_ace

    ensure_ace()


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "My CECs"

    def ready(self):
        # The data migration seeds ACE once; this puts it back after a database is emptied
        # (manage.py flush, transactional tests) and never overwrites an admin's edits.
        post_migrate.connect(_seed_rules, sender=self, dispatch_uid="tracker.seed_rules")
