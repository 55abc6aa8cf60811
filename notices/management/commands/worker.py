"""The task worker for whichever queue the settings name: the database queue's `db_worker`,
or an RQ worker with the job class that runs Django tasks (TASKS_QUEUE=redis)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the task worker for the configured queue (database or Redis)."

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="Run what is queued, then stop.")

    def handle(self, *args, burst=False, **options):
        if settings.TASKS_QUEUE == "redis":
            call_command(
                "rqworker", "default", job_class="django_tasks_rq.backend.Job", burst=burst
            )
        else:
            call_command("db_worker", batch=burst, startup_delay=not burst)
