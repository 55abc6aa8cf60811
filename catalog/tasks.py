"""Background work of the catalog: the CSV import, and its periodic clean-up."""

from django.tasks import task

from . import importer


@task()
def stage(batch_id: int) -> str:
    """Check an uploaded file once into its batch's rows (`importer.batch_check`): the preview
    reads them; safe to run twice."""
    return importer.batch_check(batch_id)


@task()
def import_batch(batch_id: int) -> str:
    """Import a confirmed upload, all or nothing (`importer.batch_run`); safe to run twice."""
    return importer.batch_run(batch_id)


def sweep(*, now) -> str:
    """Run by `manage.py tick` (settings.PERIODIC_JOBS): imports (and checks of an upload)
    whose worker stopped are marked failed, lost ones queued again, uploads never confirmed
    deleted after a day."""
    return importer.batches_sweep(now=now)
