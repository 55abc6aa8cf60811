"""Background work of the ledger: reading an uploaded certificate for the add forms."""

from django.tasks import task

from . import readings


@task()
def read_certificate(reading_id: int) -> str:
    """Read a stored certificate (`readings.reading_run`): OCR takes seconds, so never in the
    request. Safe to run twice."""
    return readings.reading_run(reading_id)


def sweep(*, now) -> str:
    """Run by `manage.py tick` (settings.PERIODIC_JOBS): readings nobody confirmed within a
    day are deleted with their file; one whose worker stopped is queued again."""
    return readings.readings_sweep(now=now)
