"""TASKS_QUEUE=redis: the same tasks through Redis and an RQ worker (deployments with several
worker machines)."""

import pytest
from django.core import mail

from notices import services
from notices.models import Email
from tests.conftest import _reset_backends

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture
def redis_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": settings.REDIS_URL.rsplit("/", 1)[0] + "/15"}}
    _reset_backends()
    import django_rq

    queue = django_rq.get_queue("default")
    queue.empty()
    yield queue
    queue.empty()
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    _reset_backends()


def test_an_email_goes_through_redis_and_an_rq_worker(
    redis_queue, notice_templates, professional, django_capture_on_commit_callbacks
):
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    with django_capture_on_commit_callbacks(execute=True):
        email = services.email_later(
            kind="test_notice",
            to=[professional.email],
            context={"title": "Via Redis", "link": services.absolute("/my/cecs/")},
        )
    assert redis_queue.count == 1 and mail.outbox == []
    SimpleWorker([redis_queue], connection=redis_queue.connection, job_class=Job).work(burst=True)
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert mail.outbox[0].subject == "About Via Redis"
