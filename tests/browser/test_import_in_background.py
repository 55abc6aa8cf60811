"""A 100,000-row catalog import in the browser: the upload comes back at once and the batch page
follows the worker checking the rows, then links to the preview; confirming comes back at once,
shows the worker's progress, and the catalog holds every row at the end (issue: the import as a
task; the rows checked in the worker)."""

import re
import time

import pytest
from playwright.sync_api import expect

from catalog.models import Course
from tests.accounts.factories import ReviewerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = 100_000


def write_csv(path, rows):
    """100,000 plain courses in under the upload page's 10 MB."""
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(
            "number,title,provider,provider_email,delivery_format,cec_value,approved_on,expires_on\r\n"
        )
        for i in range(rows):
            f.write(
                f"CL{100_000 + i},Course {i},P{i % 40},p{i % 40}@x.io,online,0.{1 + i % 9},"
                "2024-01-01,2028-12-31\r\n"
            )
    return rows


def test_a_large_import_returns_at_once_shows_progress_and_finishes(page, login, worker, tmp_path):
    csv_path = tmp_path / "courses.csv"
    rows = write_csv(csv_path, ROWS)
    assert csv_path.stat().st_size < 10 * 1024 * 1024
    before = Course.objects.count()
    login(ReviewerFactory())
    page.set_default_timeout(120_000)
    page.goto("/catalog/import/")
    page.get_by_label("CSV file").set_input_files(str(csv_path))
    started = time.monotonic()
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url(re.compile(r"/catalog/import/\d+/$"))
    assert time.monotonic() - started < 5, "the upload waited for the rows to be checked"
    progress = page.locator("#import-progress")
    expect(progress).to_have_attribute("data-status", "checking")
    expect(page.locator(".import-checking")).to_contain_text("Checking rows:")
    review = page.get_by_role("link", name=f"Review the {rows} valid and 0 refused rows")
    expect(review).to_be_visible(timeout=180_000)
    review.click()
    page.wait_for_url(re.compile(r"/catalog/import/\d+/preview/"))
    confirm = page.get_by_role("button", name=f"Import {rows} valid rows")
    started = time.monotonic()
    confirm.click()
    page.wait_for_url(re.compile(r"/catalog/import/\d+/$"))
    assert time.monotonic() - started < 5, "confirming waited for the import"
    progress = page.locator("#import-progress")
    expect(progress).to_have_attribute("data-status", "done", timeout=180_000)
    expect(page.locator(".import-result")).to_contain_text("new")
    assert Course.objects.count() - before == ROWS
