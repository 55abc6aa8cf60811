import importlib
import os

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo

# Each app may ship a `demo.load()`; they run in this order (later ones use earlier data).
DEMO_APPS = ["catalog", "tracker", "petitions", "reporting", "api"]


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it again changes nothing) and print logins."

    def handle(self, *args, **options):
        with transaction.atomic():
            accounts_demo.load()
            for app in DEMO_APPS:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError:
                    continue
                module.load()
        # `make run` serves on PORT (8000 unless set); the address printed is that one.
        address = f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}/"
        self.stdout.write(self.style.SUCCESS(f"Demo data is loaded. Log in at {address} as:"))
        for role, (email, _first, _last) in accounts_demo.DEMO_USERS.items():
            label = role.replace("_", " ")
            self.stdout.write(f"  {label:<15} {email:<24} password: {accounts_demo.DEMO_PASSWORD}")
