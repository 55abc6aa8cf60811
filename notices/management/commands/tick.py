"""The periodic jobs (settings.PERIODIC_JOBS): reminders, email retries, sweeps.

Safe to run as often as you like (every job is idempotent, and a reminder is sent at most once
by a database constraint): from cron every few minutes, or as a process with `--every 60`,
which is what `make run` and the deploy's Procfile do.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Run the periodic jobs once, or every N seconds with --every N."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds.")

    def handle(self, *args, every=0, **options):
        while True:
            self.run_once()
            if not every:
                return
            close_old_connections()
            time.sleep(every)

    def run_once(self):
        now = timezone.now()
        for path in settings.PERIODIC_JOBS:
            try:
                result = import_string(path)(now=now)
            except Exception as error:  # one failing job must not stop the others
                self.stderr.write(f"{path}: {type(error).__name__}: {error}")
            else:
                if result:
                    self.stdout.write(f"{now:%Y-%m-%d %H:%M:%S} {path}: {result}")
