"""What an uploaded roster file is, decided from its bytes: CSV (UTF-8, with or without a BOM,
Windows or Unix line endings) or Excel .xlsx (read-only, formulas read as their text and never
evaluated), at most MAX_BYTES and MAX_ROWS rows, with a header row naming the columns.

`read` returns the rows as mappings for `services.stage`, each with its line in the file, or
raises RosterFileError with a sentence saying why the whole file is refused.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator

from .services import LINE, MAX_ROWS

MAX_BYTES = 2 * 1024 * 1024

# Column name as written (lower case, spaces and dashes as underscores) → the row key.
ALIASES = {
    "email": "email",
    "e_mail": "email",
    "email_address": "email",
    "certification_number": "certification_number",
    "certification_no": "certification_number",
    "cert_number": "certification_number",
    "last_name": "last_name",
    "surname": "last_name",
    "completion_date": "completion_date",
    "completed_on": "completion_date",
    "date_completed": "completion_date",
    "sessions": "sessions",
    "sessions_attended": "sessions",
    "session_codes": "sessions",
    "hours": "hours",
    "contact_hours": "hours",
    "course_number": "course_number",
}

COLUMN_HELP = [
    ("email", "one of the two identities", "The professional's email address."),
    (
        "certification_number + last_name",
        "one of the two identities",
        "The number on their certification (any certifier) and their last name; case does "
        "not matter.",
    ),
    ("completion_date", "yes", "YYYY-MM-DD or MM/DD/YYYY; inside the course's approval window."),
    (
        "sessions",
        "conferences",
        "The session codes (or titles) attended, separated by commas or semicolons.",
    ),
    ("hours", "no", "Contact hours attended, if your records keep them (e.g. 2.5)."),
    ("course_number", "no", "If given, it must be the course chosen above."),
]

SAMPLE = (
    "email,certification_number,last_name,completion_date,sessions,hours\r\n"
    "dual@example.com,,,{day},{sessions},\r\n"
    ",ACE-100200,Okafor,{day},{sessions},3\r\n"
    "someone.new@example.com,,,{day},{sessions},\r\n"
)


class RosterFileError(ValueError):
    """The whole file is refused; nothing is kept."""


def _key(name) -> str:
    text = "" if name is None else str(name)
    return "_".join(text.strip().lstrip("\ufeff").lower().replace("-", " ").split())


def _header(names: list) -> list[str | None]:
    keys = [ALIASES.get(_key(n)) for n in names]
    found = {k for k in keys if k}
    if "completion_date" not in found:
        raise RosterFileError("The header has no completion_date column.")
    if "email" not in found and not {"certification_number", "last_name"} <= found:
        raise RosterFileError(
            "The header needs an email column, or certification_number and last_name columns."
        )
    return keys


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(lines: Iterator[tuple[int, list]]) -> list[dict]:
    header = None
    rows: list[dict] = []
    for line, cells in lines:
        values = [_cell(c) for c in cells]
        if not any(v.strip() for v in values):
            continue
        if header is None:
            header = _header(values)
            continue
        if len(rows) >= MAX_ROWS:
            raise RosterFileError(f"A roster holds at most {MAX_ROWS:,} rows; this file has more.")
        row = {LINE: line}
        for key, value in zip(header, values, strict=False):
            if key and value.strip() and not row.get(key):
                row[key] = value
        rows.append(row)
    if header is None:
        raise RosterFileError("The file is empty: it needs a header row and one row per person.")
    if not rows:
        raise RosterFileError("The file has a header but no rows.")
    return rows


def _csv_lines(data: bytes) -> Iterator[tuple[int, list]]:
    if b"\x00" in data:
        raise RosterFileError("This is not a CSV file (it holds binary data).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterFileError("The CSV file is not UTF-8 text: save it as “CSV UTF-8”.") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as error:
        raise RosterFileError(f"The CSV file cannot be read: {error}.") from None


def _xlsx_lines(data: bytes) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula cell reads as its text ("=…"), which the check refuses.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign zip
        raise RosterFileError("The Excel file cannot be read: save it again as .xlsx.") from None
    try:
        sheet = book.worksheets[0]
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, list(cells)
    except RosterFileError:
        raise
    except Exception:
        raise RosterFileError("The Excel file cannot be read: save it again as .xlsx.") from None
    finally:
        book.close()


def read(upload) -> list[dict]:
    """The rows of an uploaded roster, or RosterFileError."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise RosterFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise RosterFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    name = (getattr(upload, "name", "") or "").lower()
    if data.startswith(b"PK\x03\x04"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise RosterFileError("The Excel file cannot be read: save it again as .xlsx.")
        return _rows(_xlsx_lines(data))
    if name.endswith((".xlsx", ".xls", ".xlsm")):
        raise RosterFileError("This is not an .xlsx file: save it as .xlsx or as CSV.")
    if data.startswith((b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8")):
        raise RosterFileError("This is not a CSV or .xlsx file.")
    return _rows(_csv_lines(data))


def sample(*, day: datetime.date, sessions: str = "") -> str:
    return SAMPLE.format(day=day.isoformat(), sessions=f'"{sessions}"' if sessions else "")
