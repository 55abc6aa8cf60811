from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from axes.signals import user_locked_out

        from . import backends
        from .roles import ensure_role_groups
        from .throttle import on_locked_out

        # Permissions are created per app after its migrations; running on every
        # post_migrate lets the last app's signal see them all.
        post_migrate.connect(ensure_role_groups, dispatch_uid="accounts.ensure_role_groups")
        user_locked_out.connect(on_locked_out, dispatch_uid="accounts.on_locked_out")
        backends.connect()
