"""Background work of the notices app: each task is idempotent (safe to run twice)."""

from django.tasks import task

from . import services


@task()
def send_email(email_id: int) -> str:
    email = services.deliver(email_id)
    return email.status if email is not None else "missing"
