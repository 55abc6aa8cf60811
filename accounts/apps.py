from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from .roles import ensure_role_groups

        # Permissions are created per app after its migrations; running on every
        # post_migrate lets the last app's signal see them all.
        post_migrate.connect(ensure_role_groups, dispatch_uid="accounts.ensure_role_groups")
