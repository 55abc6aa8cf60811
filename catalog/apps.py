from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Course catalog"

    def ready(self):
        from . import fulltext

        post_migrate.connect(fulltext.sync_sqlite, sender=self)
