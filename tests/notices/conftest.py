import pytest
from asgiref.local import Local
from django.tasks import task_backends

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _reset_backends():
    # Django builds each task backend once from settings.TASKS; a changed setting needs a reset.
    task_backends._settings = None
    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture
def database_queue(settings):
    """Tasks go to the database queue, as in development and production, for a worker."""
    settings.TASKS = DATABASE_QUEUE
    _reset_backends()
    yield
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    _reset_backends()


@pytest.fixture
def notice_templates(settings, tmp_path):
    """A small email kind of the tests' own, `test_notice`."""
    folder = tmp_path / "email"
    folder.mkdir()
    (folder / "test_notice_subject.txt").write_text("About {{ title }}")
    (folder / "test_notice.txt").write_text("Hello.\n{{ title }}\n{{ link }}\n")
    (folder / "test_notice.html").write_text("<p>{{ title }}</p><a href='{{ link }}'>Open</a>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
