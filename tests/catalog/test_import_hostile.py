"""A catalog CSV row with a NUL byte, another script's digits or an absurd approval window is
refused on the preview, with its reason — never a failure on confirm."""

import io

import pytest

from catalog.importer import CourseImport, open_text
from catalog.models import Course

pytestmark = pytest.mark.django_db

HEADER = "number,title,provider,provider_email,delivery_format,cec_value,approved_on,expires_on"


def refusals(*rows):
    data = "\n".join([HEADER, *rows]).encode() + b"\n"
    importer = CourseImport(open_text(io.BytesIO(data)))
    return [r.message for r in importer.results() if r.action == "refused"]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("CA31001,Null\x00title,Acme,a@example.com,online,0.3,2025-01-01,2026-12-31", "NUL byte"),
        ("CA31002,Title,Acme,a@example.com,online,٠.٣,2025-01-01,2026-12-31", "digits 0–9"),
        ("CA31003,Title,Acme,a@example.com,online,0.3,0001-01-01,2026-12-31", "too early"),
        ("CA31004,Title,Acme,a@example.com,online,0.3,2025-01-01,9999-12-31", "too far ahead"),
        ("CA31005,Title,Acme,a@example.com,online,0.3,2020-01-01,2029-12-31", "at most 5 years"),
    ],
)
def test_a_hostile_row_is_refused_on_the_preview(row, reason):
    (message,) = refusals(row)
    assert reason in message
    assert not Course.objects.exists()
