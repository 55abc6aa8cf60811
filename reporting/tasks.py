"""Background work of provider-reported credit: posting a confirmed roster."""

from django.tasks import task

from . import services


@task()
def post_batch(batch_id: int) -> str:
    """Post a confirmed roster's matched rows (`services.post`); safe to run twice."""
    return services.post(batch_id)
