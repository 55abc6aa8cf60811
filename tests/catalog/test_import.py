import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from catalog.importer import CourseImport, ImportFileError, open_text
from catalog.models import Course, ImportBatch, ImportRow, Provider, Session
from tests.catalog.factories import ConferenceFactory, CourseFactory, ProviderFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "number,title,provider,provider_email,delivery_format,cec_value,approved_on,expires_on,"
    "session_code,session_title,session_cec"
)


def csv_bytes(*rows, header=HEADER, newline="\n", bom=False):
    text = newline.join([header, *rows]) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def run(data: bytes, *, batch_size=1000, write=True):
    importer = CourseImport(open_text(io.BytesIO(data)), batch_size=batch_size)
    if write:
        refused = importer.run()
        return importer.summary, refused
    results = list(importer.results())
    return importer.summary, results


@pytest.fixture
def acme():
    return ProviderFactory(name="Acme")


def row(number="CA23456", title="Strength", provider="Acme", fmt="online", cec="0.3", **kw):
    values = {
        "email": "",
        "start": "2024-01-01",
        "end": "12/31/2028",
        "code": "",
        "stitle": "",
        "scec": "",
    } | kw
    return (
        f"{number},{title},{provider},{values['email']},{fmt},{cec},{values['start']},"
        f"{values['end']},{values['code']},{values['stitle']},{values['scec']}"
    )


def session_row(number, code, value="0.2", title=None):
    return f"{number},,,,,,,,{code},{title or 'Session ' + code},{value}"


class TestValidFiles:
    def test_creates_courses(self, acme):
        summary, refused = run(csv_bytes(row(), row("CEP123456", "Older adults", cec="1.5")))
        assert (summary.created, summary.refused, refused) == (2, 0, [])
        course = Course.objects.get(number="CA23456")
        assert course.provider == acme and course.cec_value == Decimal("0.3")
        assert course.status == Course.Status.APPROVED
        assert (course.approved_on, course.expires_on) == (
            datetime.date(2024, 1, 1),
            datetime.date(2028, 12, 31),
        )

    def test_bom_and_windows_line_endings(self, acme):
        summary, _ = run(csv_bytes(row(), newline="\r\n", bom=True))
        assert summary.created == 1
        assert Course.objects.get().number == "CA23456"

    def test_header_is_case_and_space_insensitive_in_any_order(self, acme):
        header = " Title ,NUMBER,provider,delivery_format,cec_value,approved_on,expires_on"
        summary, _ = run(
            csv_bytes("Strength,ca 23456,Acme,Online,0.3,2024-01-01,2028-12-31", header=header)
        )
        assert summary.created == 1 and Course.objects.get().number == "CA23456"

    def test_updates_existing_numbers(self, acme):
        CourseFactory(number="CA23456", title="Old title", cec_value=Decimal("0.1"))
        summary, _ = run(csv_bytes(row(title="New title")))
        assert (summary.created, summary.updated) == (0, 1)
        course = Course.objects.get()
        assert (course.title, course.cec_value, course.provider) == (
            "New title",
            Decimal("0.3"),
            acme,
        )

    def test_conference_sessions_across_rows_and_batches(self, acme):
        data = csv_bytes(
            row(
                "CP10001",
                "Summit",
                fmt="conference",
                cec="",
                code="S1",
                stitle="Keynote",
                scec="0.2",
            ),
            row("CA23456"),
            session_row("CP10001", "S2", "0.3"),
            session_row("CP10001", "s3", "0.4"),
        )
        summary, refused = run(data, batch_size=2)
        assert refused == []
        assert (summary.created, summary.sessions) == (2, 2)
        summit = Course.objects.get(number="CP10001")
        assert summit.is_conference and summit.cec_value is None
        assert list(summit.sessions.values_list("code", "cec_value")) == [
            ("S1", Decimal("0.2")),
            ("S2", Decimal("0.3")),
            ("S3", Decimal("0.4")),
        ]

    def test_later_conference_rows_may_repeat_the_course_columns(self, acme):
        first = row(
            "CP10001", "Summit", fmt="conference", cec="", code="S1", stitle="K", scec="0.2"
        )
        second = row(
            "CP10001", "Summit", fmt="conference", cec="", code="S2", stitle="L", scec="0.2"
        )
        summary, refused = run(csv_bytes(first, second))
        assert refused == [] and Session.objects.count() == 2

    def test_existing_conference_sessions_updated_by_code_and_kept(self, acme):
        summit = ConferenceFactory(number="CP10001", provider=acme)
        Session.objects.create(course=summit, code="S1", title="Old", cec_value=Decimal("0.1"))
        Session.objects.create(course=summit, code="S9", title="Kept", cec_value=Decimal("0.1"))
        run(
            csv_bytes(
                row(
                    "CP10001",
                    "Summit",
                    fmt="conference",
                    cec="",
                    code="S1",
                    stitle="New",
                    scec="0.3",
                )
            )
        )
        assert dict(summit.sessions.values_list("code", "title")) == {"S1": "New", "S9": "Kept"}

    def test_new_provider_with_email(self):
        summary, _ = run(csv_bytes(row(provider="Brand New", email="hi@brand.example.com")))
        assert summary.providers_created == ["Brand New"]
        assert Provider.objects.get(name="Brand New").contact_email == "hi@brand.example.com"
        assert Course.objects.get().provider.name == "Brand New"

    def test_provider_name_matches_case_insensitively(self, acme):
        run(csv_bytes(row(provider="ACME")))
        assert Course.objects.get().provider == acme and Provider.objects.count() == 1

    def test_preview_writes_nothing(self, acme):
        summary, results = run(
            csv_bytes(row(), row("CA1", "Bad"), row(provider="X", email="x@x.com")), write=False
        )
        assert [r.action for r in results] == ["create", "refused", "refused"]
        assert summary.providers_created == []
        assert not Course.objects.exists() and Provider.objects.count() == 1


class TestRefusedRows:
    @pytest.mark.parametrize(
        ("bad_row", "reason"),
        [
            (row("CX12345"), "not a course number"),
            (row("CA1234"), "not a course number"),
            (row("CA1234567"), "not a course number"),
            (row(""), "Enter a course number"),
            (row(title=""), "title is empty"),
            (row(title="t" * 301), "longer than 300"),
            (row(provider=""), "provider is empty"),
            (row(provider="Unknown Co"), "add provider_email"),
            (row(provider="Unknown Co", email="nope"), "not an email"),
            (row(fmt="webinar"), "is not one of"),
            (row(cec=""), "cec_value is empty"),
            (row(cec="abc"), "not a number"),
            (row(cec="0"), "greater than 0"),
            (row(cec="-0.3"), "greater than 0"),
            (row(cec="0.25"), "finer than tenths"),
            (row(cec="NaN"), "not a number"),
            (row(cec="Infinity"), "not a number"),
            (row(cec="1e5"), "too large"),
            (row(cec="1,5"), "fields where the header"),
            (row(start="2024-13-01"), "not a date"),
            (row(start="31/12/2024"), "not a date"),
            (row(start=""), "both required"),
            (row(end="yesterday"), "not a date"),
            (row(start="2025-01-01", end="2024-01-01"), "before approved_on"),
            (
                row(fmt="conference", cec="0.5", code="S1", stitle="t", scec="0.1"),
                "leave cec_value",
            ),
            (row(code="S1", stitle="t", scec="0.1"), "only a conference"),
            (row(fmt="conference", cec="", code="S1", stitle="", scec="0.1"), "all three"),
            (row(fmt="conference", cec="", code="S 1", stitle="t", scec="0.1"), "session_code"),
            (row(fmt="conference", cec="", code="S1", stitle="t", scec="0"), "greater than 0"),
            (row() + ",extra", "fields where the header"),
            (row().rsplit(",", 1)[0], "fields where the header"),
        ],
    )
    def test_each_bad_value_is_refused_with_its_reason(self, acme, bad_row, reason):
        existing = CourseFactory(number="CS10000", title="Untouched", provider=acme)
        summary, refused = run(csv_bytes(bad_row, row("CL20000")))
        assert summary.refused == 1 and summary.created == 1
        assert reason in refused[0].message, refused[0].message
        assert refused[0].line == 2
        assert set(Course.objects.values_list("number", flat=True)) == {"CS10000", "CL20000"}
        existing.refresh_from_db()
        assert existing.title == "Untouched"

    def test_duplicate_number_in_file(self, acme):
        summary, refused = run(csv_bytes(row(title="First"), row(" ca 23456", title="Second")))
        assert summary.created == 1 and "repeats line 2" in refused[0].message
        assert Course.objects.get().title == "First"

    def test_duplicate_session_code(self, acme):
        data = csv_bytes(
            row("CP10001", "S", fmt="conference", cec="", code="S1", stitle="K", scec="0.2"),
            session_row("CP10001", "s1"),
        )
        _, refused = run(data)
        assert "appears twice" in refused[0].message

    def test_conference_rows_that_disagree(self, acme):
        data = csv_bytes(
            row("CP10001", "Summit", fmt="conference", cec="", code="S1", stitle="K", scec="0.2"),
            row("CP10001", "Other", fmt="conference", cec="", code="S2", stitle="K", scec="0.2"),
        )
        _, refused = run(data)
        assert "differ from line 2" in refused[0].message

    def test_session_row_without_a_first_row(self, acme):
        _, refused = run(csv_bytes(session_row("CP10001", "S1")))
        assert "first row needs the course columns" in refused[0].message

    def test_cannot_turn_a_single_course_into_a_conference(self, acme):
        CourseFactory(number="CP10001", provider=acme)
        _, refused = run(
            csv_bytes(row("CP10001", fmt="conference", cec="", code="S", stitle="K", scec="0.2"))
        )
        assert "cannot change between" in refused[0].message
        assert not Course.objects.get().is_conference

    def test_unreadable_row(self, acme):
        summary, refused = run(csv_bytes('"unterminated' + "x" * 200_000))
        assert summary.refused == 1 and not Course.objects.exists()


class TestWholeFileErrors:
    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"", "empty"),
            (b"\xef\xbb\xbf", "empty"),
            (csv_bytes(row(), header=HEADER.replace("title,", "")), "missing column: title"),
            (
                csv_bytes(header="number,name"),
                "missing columns: title, provider, delivery_format",
            ),
            (csv_bytes(row() + ",x", header=HEADER + ",colour"), "unknown column: colour"),
            (csv_bytes(row() + ",x", header=HEADER + ",number"), "repeated column: number"),
            (
                csv_bytes(header=HEADER.replace(",session_cec", "")),
                "add session_cec",
            ),
            ("number,title\nCA23456,Ünïcode".encode("latin-1"), "not UTF-8"),
            (csv_bytes(row()) + b"\xff\xfe broken", "not UTF-8"),
        ],
    )
    def test_refused_naming_the_problem_and_nothing_changes(self, acme, data, message):
        with pytest.raises(ImportFileError) as error:
            run(data)
        assert message in str(error.value)
        assert not Course.objects.exists()


class TestCommand:
    def test_imports_a_file(self, acme, tmp_path, capsys):
        path = tmp_path / "courses.csv"
        path.write_bytes(csv_bytes(row(), row("CA1", "bad"), newline="\r\n", bom=True))
        out, err = io.StringIO(), io.StringIO()
        call_command("import_courses", str(path), stdout=out, stderr=err)
        assert "1 created" in out.getvalue() and "1 refused" in out.getvalue()
        assert "line 3" in err.getvalue() and "100%" in err.getvalue()
        assert Course.objects.get().number == "CA23456"

    def test_dry_run(self, acme, tmp_path):
        path = tmp_path / "courses.csv"
        path.write_bytes(csv_bytes(row()))
        out = io.StringIO()
        call_command("import_courses", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
        assert "Would import: 1 created" in out.getvalue()
        assert not Course.objects.exists()

    @pytest.mark.parametrize("data", [b"", b"number,title\n", "x\n\xe9".encode("latin-1")])
    def test_file_errors(self, tmp_path, data):
        path = tmp_path / "bad.csv"
        path.write_bytes(data)
        with pytest.raises(CommandError):
            call_command("import_courses", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    def test_missing_file(self, tmp_path):
        with pytest.raises(CommandError, match="No such file"):
            call_command("import_courses", str(tmp_path / "nope.csv"))


def upload(client, data, name="courses.csv"):
    """Post a file; the request's commit queues the check, which the test settings' immediate
    task backend runs at once, as a worker would soon after."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("catalog:import-upload"), {"file": SimpleUploadedFile(name, data, "text/csv")}
        )


def stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


class TestImportPages:
    """The upload page's flow: upload (checked once into a staged batch) → preview → confirm,
    which queues the import for the worker and shows the batch page."""

    def test_upload_preview_confirm(
        self, client, reviewer, acme, _private_media, django_capture_on_commit_callbacks
    ):
        client.force_login(reviewer)
        data = csv_bytes(row(), row("CA1", "Bad"), row("CA23456", "Dup"), bom=True)
        response = upload(client, data)
        batch = ImportBatch.objects.get()
        # The upload shows the batch page, which leads to the preview once the file is checked.
        assert response.url == reverse("catalog:import-batch", args=[batch.pk])
        response = client.get(response.url)
        assert response.url == reverse("catalog:import-preview", args=[batch.pk])
        # Staged in the database: no copy of the upload is kept on disk.
        assert stored_files(_private_media) == []
        body = client.get(response.url).content.decode()
        assert "creates CA23456" in body and "repeats line 2" in body
        assert "not a course number" in body and "Import 1 valid row" in body
        assert not Course.objects.exists()
        refused_only = client.get(response.url, {"show": "refused"}).context["page_obj"]
        assert [r.line for r in refused_only] == [3, 4]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("catalog:import-confirm", args=[batch.pk]))
        assert response.url == reverse("catalog:import-batch", args=[batch.pk])
        assert Course.objects.get().number == "CA23456"
        batch.refresh_from_db()
        assert (batch.status, batch.created, batch.refused) == ("done", 1, 2)
        # The upload is used once: a second confirm imports nothing more.
        with django_capture_on_commit_callbacks(execute=True):
            again = client.post(reverse("catalog:import-confirm", args=[batch.pk]), follow=True)
        assert "already confirmed" in again.content.decode()
        assert Course.objects.count() == 1

    def test_cancel_discards_the_batch(self, client, reviewer, acme, _private_media):
        client.force_login(reviewer)
        upload(client, csv_bytes(row()))
        batch = ImportBatch.objects.get()
        client.post(reverse("catalog:import-cancel", args=[batch.pk]))
        assert not ImportBatch.objects.exists() and not ImportRow.objects.exists()
        assert stored_files(_private_media) == []
        assert not Course.objects.exists()

    def test_new_upload_replaces_the_waiting_one(
        self, client, reviewer, acme, django_capture_on_commit_callbacks
    ):
        client.force_login(reviewer)
        upload(client, csv_bytes(row()))
        upload(client, csv_bytes(row("CS10001")))
        batch = ImportBatch.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("catalog:import-confirm", args=[batch.pk]))
        assert list(Course.objects.values_list("number", flat=True)) == ["CS10001"]

    def test_header_error_is_shown_and_nothing_kept(self, client, reviewer, acme, _private_media):
        client.force_login(reviewer)
        response = upload(client, csv_bytes(row() + ",x", header=HEADER + ",colour"))
        assert response.status_code == 200
        assert "unknown column: colour" in response.content.decode()
        assert not ImportBatch.objects.exists() and stored_files(_private_media) == []

    def test_another_reviewer_cannot_see_or_confirm_my_upload(
        self, client, reviewer, site_admin, acme
    ):
        client.force_login(reviewer)
        upload(client, csv_bytes(row()))
        batch = ImportBatch.objects.get()
        client.force_login(site_admin)
        for name in ("import-preview", "import-batch", "import-progress"):
            assert client.get(reverse(f"catalog:{name}", args=[batch.pk])).status_code == 404
        for name in ("import-confirm", "import-cancel"):
            assert client.post(reverse(f"catalog:{name}", args=[batch.pk])).status_code == 404
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.STAGED and not Course.objects.exists()

    @pytest.mark.parametrize("query", ["page=abc", "page=-4", "page=99999", "show=bogus"])
    def test_preview_query_strings(self, client, reviewer, acme, query):
        client.force_login(reviewer)
        upload(client, csv_bytes(row()))
        url = reverse("catalog:import-preview", args=[ImportBatch.objects.get().pk])
        assert client.get(f"{url}?{query}").status_code == 200

    @pytest.mark.parametrize(
        "data",
        [
            b"",
            b"\x00\x01\x02",
            "number\n\xe9".encode("latin-1"),
            csv_bytes(header="a,b,c"),
            b"\xef\xbb\xbf",
        ],
    )
    def test_malformed_files_give_a_message(self, client, reviewer, data, _private_media):
        client.force_login(reviewer)
        response = upload(client, data)
        if response.status_code == 302:
            response = client.get(response.url, follow=True)
        assert response.status_code == 200
        assert (
            "alert" in response.content.decode() or "invalid-feedback" in response.content.decode()
        )
        assert not Course.objects.exists()
        assert not ImportBatch.objects.exists()

    def test_professional_cannot_upload(self, client, professional, acme):
        client.force_login(professional)
        assert upload(client, csv_bytes(row())).status_code == 403
