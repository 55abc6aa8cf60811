from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class CecportalConfig(AppConfig):
    name = "cecportal"
    verbose_name = "CEC Portal"

    def ready(self):
        from . import versions

        # After every migrate and flush: the version table and its triggers (versions.py).
        # post_migrate is sent once per app that has models, and this package has none: it
        # listens to one that is always installed, once every migration has run.
        post_migrate.connect(versions.install, sender=apps.get_app_config("contenttypes"))
