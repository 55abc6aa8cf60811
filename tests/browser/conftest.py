"""Fixtures of the browser tests."""

import threading
import time

import pytest
from django.db import OperationalError, connection
from django_tasks_db.management.commands.db_worker import Worker


@pytest.fixture
def worker(database_queue):
    """`manage.py worker`'s loop, in a thread of the test process (the same test database)."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # Three threads writing: SQLite needs a file (scripts/test.sh sets SQLITE_TEST_FILE).
        pytest.skip("run with SQLITE_TEST_FILE=var/test-browser.sqlite3, as make test does")
    loop = Worker(
        queue_names=["default"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-tests",
        excluded_queue_names=[],
    )

    def run():
        # A lock refused past SQLite's busy timeout ends the loop: it starts again, as a
        # restarted worker process would.
        while loop.running:
            try:
                loop.run()
            except OperationalError:
                time.sleep(0.1)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield loop
    loop.running = False
    thread.join(timeout=5)
