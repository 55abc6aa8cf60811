"""The import as a task: an upload is checked once into a staged batch; confirming queues it;
the worker writes it all or nothing; its progress shows while it runs; a worker that stops
leaves nothing written and the batch is marked failed; the sweep tidies up."""

import datetime
import io
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from catalog import importer, tasks
from catalog.models import Course, ImportBatch, ImportRow, Provider, Session
from tests.accounts.factories import ReviewerFactory
from tests.catalog.factories import ConferenceFactory, ProviderFactory
from tests.catalog.test_import import csv_bytes, row, session_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    return ProviderFactory(name="Acme")


def conference_rows(number="CP10001"):
    return [
        row(number, "Summit", fmt="conference", cec="", code="S1", stitle="Keynote", scec="0.2"),
        session_row(number, "S2", "0.3"),
    ]


def a_file():
    """Five valid rows (a new provider, a conference with two sessions) and one refused."""
    return csv_bytes(
        row("CA20001", "One"),
        row("CA20002", "Two", provider="New Co", email="hello@new.example.com"),
        *conference_rows(),
        row("CA1", "Refused"),
        row("CA20003", "Three", provider="New Co"),
    )


def stage(user, data=None, filename="courses.csv"):
    return importer.batch_stage(binary=io.BytesIO(data or a_file()), filename=filename, user=user)


def upload(client, data, filename="courses.csv"):
    """Post a file on the upload page; its commit queues the check, run at once here."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("catalog:import-upload"), {"file": ContentFile(data, name=filename)}
        )


def confirm(batch, capture):
    with capture(execute=True):
        return importer.batch_confirm(batch=batch)


def fresh(batch):
    return ImportBatch.objects.get(pk=batch.pk)


def nothing_imported():
    return not Course.objects.exists() and not Session.objects.exists()


class TestStaging:
    def test_the_file_is_checked_once_into_rows(self, reviewer, acme):
        batch = stage(reviewer)
        assert (batch.status, batch.filename, batch.rows) == ("staged", "courses.csv", 6)
        assert (batch.created, batch.updated, batch.sessions, batch.refused) == (4, 0, 1, 1)
        assert batch.to_write == 5 and batch.providers_created == ["New Co"]
        rows = list(batch.checked_rows.order_by("line"))
        assert [r.action for r in rows] == [
            "create",
            "create",
            "create",
            "session",
            "refused",
            "create",
        ]
        assert rows[4].values is None and "not a course number" in rows[4].message
        assert rows[0].values["course"]["cec_value"] == "0.3"
        assert rows[0].values["course"]["approved_on"] == "2024-01-01"
        assert nothing_imported() and Provider.objects.count() == 1

    def test_values_round_trip_to_the_same_row(self, reviewer, acme):
        batch = stage(reviewer)
        staged = batch.checked_rows.get(number="CP10001", action="create")
        again = importer.row_from_values(staged.line, staged.number, staged.values)
        assert importer.row_values(again) == staged.values
        assert again.fields["cec_value"] is None and again.session["cec_value"] == Decimal("0.2")
        assert again.fields["approved_on"] == datetime.date(2024, 1, 1)
        assert (again.provider_key, again.provider_email) == ("Acme", "")

    def test_a_file_error_keeps_nothing_and_not_even_replaces_the_waiting_upload(
        self, reviewer, acme
    ):
        waiting = stage(reviewer)
        with pytest.raises(importer.ImportFileError, match="not UTF-8"):
            stage(reviewer, csv_bytes(row()) + b"\xff broken")
        assert list(ImportBatch.objects.all()) == [waiting]

    def test_preview_reads_the_batch_and_never_parses_again(
        self, client, reviewer, acme, monkeypatch
    ):
        client.force_login(reviewer)
        response = upload(client, a_file())
        batch = ImportBatch.objects.get()
        assert response.url == reverse("catalog:import-batch", args=[batch.pk])
        response = client.get(response.url)
        assert response.url == reverse("catalog:import-preview", args=[batch.pk])

        def no_parsing(*args, **kwargs):
            raise AssertionError("the preview parsed the file again")

        monkeypatch.setattr(importer, "open_text", no_parsing)
        monkeypatch.setattr(importer, "_records", no_parsing)
        monkeypatch.setattr(importer.CourseImport, "_classify", no_parsing)
        page = client.get(response.url)
        assert page.status_code == 200
        assert [r.line for r in page.context["page_obj"]] == [2, 3, 4, 5, 6, 7]
        refused = client.get(response.url, {"show": "refused"})
        assert [r.line for r in refused.context["page_obj"]] == [6]
        assert "Import 5 valid rows" in page.content.decode()

    def test_the_preview_pages_through_many_rows(self, client, reviewer, acme):
        client.force_login(reviewer)
        data = csv_bytes(*(row(f"CA{30000 + i}", f"Course {i}") for i in range(250)))
        upload(client, data, "big.csv")
        url = reverse("catalog:import-preview", args=[ImportBatch.objects.get().pk])
        last = client.get(url, {"page": 3}).context["page_obj"]
        assert [r.line for r in last][:2] == [202, 203] and len(last) == 50

    def test_recent_uploads_are_listed_to_come_back_to(self, client, reviewer, acme):
        client.force_login(reviewer)
        batch = stage(reviewer, filename="spring.csv")
        other = stage(ReviewerFactory())
        body = client.get(reverse("catalog:import-upload")).content.decode()
        assert "spring.csv" in body and batch.get_absolute_url() in body
        assert other.get_absolute_url() not in body


def receive(user, data=None, filename="courses.csv"):
    """An upload taken by the page but not yet checked by the worker (no commit: no task)."""
    return importer.batch_receive(binary=io.BytesIO(data or a_file()), filename=filename, user=user)


class TestCheckingInTheWorker:
    def test_the_upload_keeps_the_file_and_the_task_checks_it(
        self, client, reviewer, acme, _private_media
    ):
        batch = receive(reviewer)
        assert batch.status == "checking" and batch.file.startswith("catalog-imports/")
        assert default_storage.exists(batch.file) and not batch.checked_rows.exists()
        client.force_login(reviewer)
        page = client.get(reverse("catalog:import-batch", args=[batch.pk]))
        assert page.status_code == 200 and "Checking rows: 0 so far" in page.content.decode()
        progress = client.get(reverse("catalog:import-progress", args=[batch.pk]))
        assert 'data-status="checking"' in progress.content.decode()
        assert "hx-get" in progress.content.decode()
        assert importer.batch_check(batch.pk, batch_size=2) == "staged"
        checked = fresh(batch)
        assert (checked.status, checked.rows, checked.to_write, checked.refused) == (
            "staged",
            6,
            5,
            1,
        )
        assert checked.file == "" and not default_storage.exists(batch.file)
        assert checked.checked_rows.count() == 6 and nothing_imported()
        body = client.get(reverse("catalog:import-progress", args=[batch.pk])).content.decode()
        assert "Review the 5 valid and 1 refused row" in body
        assert reverse("catalog:import-preview", args=[batch.pk]) in body
        # Checked once: a second run of the task does nothing.
        assert importer.batch_check(batch.pk) == "staged"
        assert fresh(batch).checked_rows.count() == 6

    def test_header_errors_are_refused_by_the_request(self, reviewer, acme, _private_media):
        with pytest.raises(importer.ImportFileError, match="missing column"):
            receive(reviewer, b"number,title\nCA20001,x\n")
        assert not ImportBatch.objects.exists() and not list(_private_media.rglob("*.csv"))

    def test_a_file_that_cannot_be_parsed_fails_the_batch(self, reviewer, acme):
        batch = receive(reviewer)
        default_storage.delete(batch.file)
        assert importer.batch_check(batch.pk) == "failed"
        failed = fresh(batch)
        assert failed.status == "failed" and "Nothing was kept" in failed.error
        assert not failed.checked_rows.exists()

    def test_the_sweep_fails_a_check_whose_worker_stopped(self, reviewer, acme):
        batch = receive(reviewer)
        alive = receive(ReviewerFactory())
        ImportBatch.objects.filter(pk=batch.pk).update(
            started_at=timezone.now() - datetime.timedelta(minutes=20),
            progress_at=timezone.now() - datetime.timedelta(minutes=6),
        )
        result = tasks.sweep(now=timezone.now())
        assert "1 stopped check(s) of an upload marked failed" in result
        failed = fresh(batch)
        assert failed.status == "failed" and "while checking the file" in failed.error
        assert not default_storage.exists(batch.file)
        assert fresh(alive).status == "checking" and default_storage.exists(alive.file)
        assert importer.batch_check(batch.pk) == "failed"


class TestConfirm:
    def test_confirm_redirects_to_the_batch_page_and_the_worker_imports(
        self, client, reviewer, acme, django_capture_on_commit_callbacks
    ):
        client.force_login(reviewer)
        batch = stage(reviewer)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.post(reverse("catalog:import-confirm", args=[batch.pk]))
        assert len(callbacks) == 1  # the task is queued after the commit
        assert response.status_code == 302
        assert response.url == reverse("catalog:import-batch", args=[batch.pk])
        # The immediate backend (the tests') has run the task: everything is there.
        batch = fresh(batch)
        assert (batch.status, batch.written, batch.to_write) == ("done", 5, 5)
        assert (batch.created, batch.sessions, batch.refused) == (4, 1, 1)
        assert batch.providers_created == ["New Co"]
        assert Course.objects.count() == 4 and Session.objects.count() == 2
        assert Course.objects.get(number="CA20003").provider.name == "New Co"
        # Only the refused row stays with the batch; the valid rows' values are dropped.
        assert list(batch.checked_rows.values_list("action", flat=True)) == ["refused"]
        page = client.get(response.url)
        assert page.context["page_obj"][0].line == 6
        assert "Imported" in page.content.decode() and 'hx-trigger="every 1s"' not in (
            page.content.decode()
        )

    def test_confirm_returns_at_once_and_the_worker_runs_it_later(
        self, client, reviewer, acme, database_queue, run_worker, django_capture_on_commit_callbacks
    ):
        client.force_login(reviewer)
        batch = stage(reviewer)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("catalog:import-confirm", args=[batch.pk]))
        assert response.status_code == 302
        assert fresh(batch).status == "queued" and nothing_imported()
        assert DBTaskResult.objects.count() == 1
        page = client.get(response.url).content.decode()
        assert 'hx-trigger="every 1s"' in page and "Waiting for the worker" in page
        run_worker()
        assert fresh(batch).status == "done" and Course.objects.count() == 4

    def test_a_batch_with_nothing_valid_cannot_be_confirmed(self, client, reviewer, acme):
        client.force_login(reviewer)
        batch = stage(reviewer, csv_bytes(row("CA1")))
        response = client.post(reverse("catalog:import-confirm", args=[batch.pk]), follow=True)
        assert "nothing to import" in response.content.decode()
        assert fresh(batch).status == "staged"

    def test_a_confirmed_batch_cannot_be_discarded(
        self, client, reviewer, acme, django_capture_on_commit_callbacks
    ):
        client.force_login(reviewer)
        batch = stage(reviewer)
        confirm(batch, django_capture_on_commit_callbacks)
        response = client.post(reverse("catalog:import-cancel", args=[batch.pk]), follow=True)
        assert "can no longer be discarded" in response.content.decode()
        assert ImportBatch.objects.filter(pk=batch.pk).exists()

    def test_running_the_task_again_does_nothing(
        self, reviewer, acme, django_capture_on_commit_callbacks
    ):
        batch = stage(reviewer)
        confirm(batch, django_capture_on_commit_callbacks)
        assert importer.batch_run(batch.pk) == "done"  # its status: nothing run twice
        assert Course.objects.count() == 4
        assert importer.batch_run(10**9) == "missing"


class TestProgress:
    def partial(self, client, batch):
        response = client.get(reverse("catalog:import-progress", args=[batch.pk]))
        assert response.status_code == 200
        return response.content.decode()

    def test_the_partial_polls_while_queued_or_running_and_stops_when_finished(
        self, client, reviewer, acme, database_queue, run_worker, django_capture_on_commit_callbacks
    ):
        client.force_login(reviewer)
        batch = stage(reviewer)
        confirm(batch, django_capture_on_commit_callbacks)
        html = self.partial(client, batch)
        assert 'hx-trigger="every 1s"' in html and 'data-status="queued"' in html
        assert "<html" not in html  # the partial only
        ImportBatch.objects.filter(pk=batch.pk).update(status="running", written=2)
        html = self.partial(client, batch)
        assert 'hx-trigger="every 1s"' in html and "2 of 5 rows written" in html
        assert 'data-width="40%"' in html
        ImportBatch.objects.filter(pk=batch.pk).update(status="queued", written=0)
        run_worker()
        html = self.partial(client, batch)
        assert "hx-trigger" not in html and 'data-status="done"' in html
        assert 'data-width="100%"' in html and "4 new and 0 updated" in html

    def test_a_running_import_reports_from_outside_its_transaction(
        self, client, reviewer, acme, django_capture_on_commit_callbacks, database_queue
    ):
        client.force_login(reviewer)
        batch = stage(reviewer)
        confirm(batch, django_capture_on_commit_callbacks)
        ImportBatch.objects.filter(pk=batch.pk).update(status="running")
        # SQLite's one writer at a time: the report goes to a small file the page reads.
        progress = importer._Progress(batch.pk)
        progress.sidecar = True
        progress.report(3)
        assert importer.progress_file(batch.pk).read_text() == "3"
        assert "3 of 5 rows written" in self.partial(client, batch)
        progress.close()
        assert not importer.progress_file(batch.pk).exists()

    def test_the_import_reports_as_it_goes(
        self, reviewer, acme, django_capture_on_commit_callbacks, database_queue, monkeypatch
    ):
        batch = stage(reviewer)
        confirm(batch, django_capture_on_commit_callbacks)
        told = []
        monkeypatch.setattr(importer, "PROGRESS_EVERY", 0)
        monkeypatch.setattr(importer._Progress, "report", lambda self, n: told.append(n))
        assert importer.batch_run(batch.pk, batch_size=2) == "done"
        assert told == [2, 4, 5]


class TestAllOrNothing:
    def spoil(self, batch, number):
        """A staged row that the database refuses when written (its window backwards): what
        a bug or a crash in the middle of the import looks like."""
        staged = batch.checked_rows.get(number=number)
        staged.values["course"]["expires_on"] = "2000-01-01"
        staged.save()

    def test_an_error_midway_leaves_nothing_and_the_batch_failed(
        self, reviewer, acme, database_queue, django_capture_on_commit_callbacks
    ):
        batch = stage(reviewer)
        self.spoil(batch, "CA20003")  # the last row: earlier chunks are written by then
        confirm(batch, django_capture_on_commit_callbacks)
        assert importer.batch_run(batch.pk, batch_size=2) == "failed"
        batch = fresh(batch)
        assert batch.status == "failed" and batch.finished_at is not None
        assert "IntegrityError" in batch.error and "course_window_ordered" in batch.error
        assert nothing_imported() and not Provider.objects.filter(name="New Co").exists()

    def test_the_batch_page_says_so(
        self, client, reviewer, acme, django_capture_on_commit_callbacks
    ):
        client.force_login(reviewer)
        batch = stage(reviewer)
        self.spoil(batch, "CA20003")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("catalog:import-confirm", args=[batch.pk]))
        page = client.get(response.url).content.decode()
        assert "Nothing was imported." in page and "course_window_ordered" in page
        assert "hx-trigger" not in page and nothing_imported()

    def test_what_changed_in_the_catalog_since_the_upload_is_refused_then(
        self, client, reviewer, acme, django_capture_on_commit_callbacks
    ):
        client.force_login(reviewer)
        batch = stage(reviewer)
        # Meanwhile CA20001 is registered as a conference: it cannot become a single course.
        ConferenceFactory(number="CA20001", provider=acme)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("catalog:import-confirm", args=[batch.pk]))
        batch = fresh(batch)
        assert (batch.status, batch.created, batch.refused) == ("done", 3, 2)
        late = batch.checked_rows.get(line=2)
        assert late.action == "refused" and "cannot change between" in late.message
        assert Course.objects.get(number="CA20001").is_conference


class TestWorkerStopped:
    def running(self, reviewer, *, seen_ago):
        batch = stage(reviewer)
        then = timezone.now() - seen_ago
        ImportBatch.objects.filter(pk=batch.pk).update(
            status="running", queued_at=then, started_at=then, progress_at=then
        )
        return fresh(batch)

    def test_the_sweep_marks_a_silent_running_batch_failed(self, reviewer, acme):
        batch = self.running(reviewer, seen_ago=datetime.timedelta(minutes=20))
        alive = self.running(ReviewerFactory(), seen_ago=datetime.timedelta(seconds=10))
        result = tasks.sweep(now=timezone.now())
        assert "1 stopped import(s) marked failed" in result
        batch = fresh(batch)
        assert batch.status == "failed" and "The worker stopped during the import" in batch.error
        assert "nothing was imported" in batch.error
        assert fresh(alive).status == "running"

    def test_a_later_run_of_the_task_marks_it_failed_too(self, reviewer, acme):
        batch = self.running(reviewer, seen_ago=importer.STALE_AFTER * 2)
        assert importer.batch_run(batch.pk).startswith("failed")
        assert fresh(batch).status == "failed" and nothing_imported()

    def test_a_live_one_is_left_to_its_worker(self, reviewer, acme):
        batch = self.running(reviewer, seen_ago=datetime.timedelta(seconds=5))
        assert importer.batch_run(batch.pk) == "running"
        assert fresh(batch).status == "running" and nothing_imported()


class TestSweep:
    def test_uploads_never_confirmed_go_after_a_day(self, reviewer, acme):
        old = stage(reviewer)
        ImportBatch.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=2)
        )
        other = ReviewerFactory()
        recent = stage(other)
        result = tasks.sweep(now=timezone.now())
        assert "1 upload(s) never confirmed deleted" in result
        assert list(ImportBatch.objects.all()) == [recent]
        assert not ImportRow.objects.filter(batch_id=old.pk).exists()

    def test_finished_batches_stay_with_their_refused_rows(
        self, reviewer, acme, django_capture_on_commit_callbacks
    ):
        batch = stage(reviewer)
        confirm(batch, django_capture_on_commit_callbacks)
        ImportBatch.objects.filter(pk=batch.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=30)
        )
        tasks.sweep(now=timezone.now())
        assert fresh(batch).status == "done" and batch.checked_rows.count() == 1

    def test_a_queued_batch_the_queue_lost_is_queued_again(self, reviewer, acme):
        batch = stage(reviewer)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status="queued", queued_at=timezone.now() - datetime.timedelta(hours=1)
        )
        assert "queued again" in tasks.sweep(now=timezone.now())
        assert fresh(batch).status == "done"  # the immediate backend ran it

    def test_old_files_go(self, _private_media):
        old = default_storage.save("catalog-imports/7/abandoned.csv", ContentFile(b"x"))
        new = default_storage.save("catalog-imports/progress/9.txt", ContentFile(b"3"))
        two_days = time.time() - 2 * 86400
        os.utime(default_storage.path(old), (two_days, two_days))
        assert "1 old file(s) deleted" in tasks.sweep(now=timezone.now())
        assert not default_storage.exists(old) and default_storage.exists(new)

    def test_nothing_to_do_says_nothing(self, db):
        assert tasks.sweep(now=timezone.now()) == ""

    def test_the_clock_runs_it(self, settings):
        assert "catalog.tasks.sweep" in settings.PERIODIC_JOBS
        out = io.StringIO()
        call_command("tick", stdout=out, stderr=out)
        assert "catalog.tasks.sweep" not in out.getvalue()  # ran, with nothing to report


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestOnPostgres:
    """What needs two real connections: PostgreSQL only."""

    def test_progress_shows_while_the_import_transaction_is_open(self, reviewer, acme):
        batch = stage(reviewer)
        ImportBatch.objects.filter(pk=batch.pk).update(status="running", started_at=timezone.now())
        progress = importer._Progress(batch.pk)
        try:
            with importer.transaction.atomic():
                Course.objects.create(
                    number="CA29999", title="Uncommitted", provider=acme, cec_value=Decimal("1")
                )
                progress.report(4)
                # Another connection (the web page's) sees the report, not the course.
                other = connection.copy()
                with other.cursor() as cursor:
                    cursor.execute(
                        "SELECT written, progress_at IS NOT NULL FROM catalog_importbatch "
                        "WHERE id = %s",
                        [batch.pk],
                    )
                    assert cursor.fetchone() == (4, True)
                    cursor.execute("SELECT count(*) FROM catalog_course")
                    assert cursor.fetchone() == (0,)
                other.close()
        finally:
            progress.close()

    def test_a_worker_killed_midway_leaves_nothing(self, reviewer, acme):
        batch = stage(reviewer, csv_bytes(*(row(f"CA{40000 + i}", f"C{i}") for i in range(40))))
        ImportBatch.objects.filter(pk=batch.pk).update(status="queued", queued_at=timezone.now())
        worker = subprocess.Popen(
            [sys.executable, "-c", KILLED_WORKER, str(batch.pk)],
            env=_worker_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            line = worker.stdout.readline()
            assert line.strip() == "midway", worker.stderr.read()
            # Rows are written (in its open transaction) and the batch is running.
            assert fresh(batch).status == "running"
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
        assert nothing_imported()
        later = timezone.now() + importer.STALE_AFTER * 2
        assert "marked failed" in tasks.sweep(now=later)
        assert fresh(batch).status == "failed"


def _worker_env():
    settings_dict = connection.settings_dict
    url = (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@"
        f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/"
        f"{settings_dict['NAME']}"
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cecportal.settings.test",
        "TEST_DATABASE_URL": url,
    }


# A worker that writes the first rows of the import, says so, then waits to be killed.
KILLED_WORKER = """
import sys, time, django
django.setup()
from catalog import importer
write = importer.StagedImport._write
def slow_write(self, accepted):
    write(self, accepted)
    print("midway", flush=True)
    time.sleep(60)
importer.StagedImport._write = slow_write
importer.batch_run(int(sys.argv[1]), batch_size=10)
"""


@pytest.fixture
def run_worker(monkeypatch):
    """The database queue's worker, run once over what is queued. It closes the connection
    between tasks, as a long-running process should; the test's own transaction needs it open."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    return lambda: call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
