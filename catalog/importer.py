"""Bulk import of approved courses (and conference sessions) from CSV.

The same checks and the same writer serve `manage.py import_courses` (`CourseImport.run`: read,
check and write in one pass) and the upload page, where the file is checked once into a staged
batch that the preview reads and the worker imports once confirmed (see "Staged batches"
below). Both stream: rows are read, checked and written in batches, so memory stays bounded by
the batch size plus the set of numbers seen in the file (needed to refuse duplicates).

Columns (header row required, names case-insensitive, any order):

    number, title, provider, delivery_format, cec_value, approved_on, expires_on   (required)
    status, description, provider_email, session_code, session_title, session_cec,
    contact_hours, session_hours                                                   (optional)

A conference takes one row per session: every row repeats the umbrella number and carries one
session in session_code / session_title / session_cec. The course columns of the later rows may
be left blank; if filled they must match the first row of that number.

Contact hours left blank are the CEC value in the home certifier's hours (ACE: 0.3 CEC is
3 hours), for a course and for a session alike.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from cecportal import inputs

from . import selectors
from .models import Course, ImportBatch, ImportRow, Provider, Session
from .numbers import InvalidCourseNumber, normalize_number
from .services import MAX_CEC, MAX_HOURS

REQUIRED = (
    "number",
    "title",
    "provider",
    "delivery_format",
    "cec_value",
    "approved_on",
    "expires_on",
)
OPTIONAL = (
    "status",
    "description",
    "provider_email",
    "session_code",
    "session_title",
    "session_cec",
    "contact_hours",
    "session_hours",
)
COLUMNS = REQUIRED + OPTIONAL
COURSE_COLUMNS = ("title", "provider", "delivery_format", "cec_value", "approved_on")
COURSE_COLUMNS += ("expires_on", "status", "description", "contact_hours")
SESSION_COLUMNS = ("session_code", "session_title", "session_cec")

# What each column holds, for the upload page and the command's help.
COLUMN_HELP = [
    ("number", "yes", "CEP, CP, CA, CS or CL followed by five or six digits, e.g. CA23456"),
    ("title", "yes", "up to 300 characters"),
    ("provider", "yes", "the provider's name; a new name needs provider_email"),
    ("delivery_format", "yes", "live, online, home_study or conference"),
    ("cec_value", "yes", "in tenths, greater than 0, e.g. 0.3; leave blank for a conference"),
    ("approved_on", "yes", "YYYY-MM-DD or MM/DD/YYYY"),
    ("expires_on", "yes", "YYYY-MM-DD or MM/DD/YYYY, not before approved_on"),
    ("status", "no", "approved (the default) or retired"),
    ("description", "no", "free text"),
    ("provider_email", "no", "contact email; creates the provider when its name is new"),
    ("session_code", "no", "conference rows only: the session's code, up to 20 characters"),
    ("session_title", "no", "conference rows only: the session's title"),
    ("session_cec", "no", "conference rows only: the session's CEC value, e.g. 0.2"),
    (
        "contact_hours",
        "no",
        "the course's contact hours, e.g. 3; blank: the CEC value in hours (0.1 CEC = 1 hour); "
        "leave blank for a conference",
    ),
    ("session_hours", "no", "conference rows only: the session's contact hours, e.g. 2"),
]

EXAMPLE = (
    "number,title,provider,delivery_format,cec_value,approved_on,expires_on,"
    "session_code,session_title,session_cec\n"
    "CA23456,Strength Basics,Acme Fitness Education,online,0.3,2024-01-01,2028-12-31,,,\n"
    "CP10001,Fitness Summit 2026,Acme Fitness Education,conference,,2024-01-01,2028-12-31,"
    "S1,Opening keynote,0.2\n"
    "CP10001,,,,,,,S2,Mobility lab,0.3\n"
)

BATCH = 1000
MAX_DESCRIPTION = 10_000
FORMAT_ALIASES = {
    **{value: value for value in Course.Format.values},
    **{str(label).lower(): value for value, label in Course.Format.choices},
    "home study": Course.Format.HOME_STUDY,
    "home-study": Course.Format.HOME_STUDY,
}
STATUSES = {"": Course.Status.APPROVED, "approved": Course.Status.APPROVED}
STATUSES["retired"] = Course.Status.RETIRED
SESSION_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,19}$")


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, header, columns)."""


@dataclass
class RowResult:
    line: int
    number: str
    action: str  # "create", "update", "session", "refused"
    message: str
    title: str = ""


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    sessions: int = 0
    refused: int = 0
    providers_created: list[str] = field(default_factory=list)

    @property
    def rows(self):
        return self.created + self.updated + self.sessions + self.refused

    @property
    def valid(self):
        return self.created + self.updated + self.sessions

    def count(self, result: RowResult):
        match result.action:
            case "create":
                self.created += 1
            case "update":
                self.updated += 1
            case "session":
                self.sessions += 1
            case _:
                self.refused += 1


class RowError(ValueError):
    pass


@dataclass
class _Row:
    line: int
    number: str
    fields: dict  # cleaned course fields, or {} when a conference row leaves them blank
    session: dict | None
    provider_key: str
    provider_email: str


# --- Reading --------------------------------------------------------------------------------


def open_text(binary) -> io.TextIOBase:
    """Text over an uploaded or opened binary file: UTF-8 with or without a BOM, any newline."""
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="", errors="strict")


def _clean_header(names: list[str]) -> list[str]:
    cleaned = [(name or "").strip().lower() for name in names]
    missing = [c for c in REQUIRED if c not in cleaned]
    unknown = [n or "(blank)" for n in cleaned if n not in COLUMNS]
    repeated = sorted({n for n in cleaned if n and cleaned.count(n) > 1})
    problems = []
    if missing:
        problems.append(f"missing column{'s' * (len(missing) > 1)}: {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column{'s' * (len(unknown) > 1)}: {', '.join(unknown)}")
    if repeated:
        problems.append(f"repeated column{'s' * (len(repeated) > 1)}: {', '.join(repeated)}")
    if problems:
        raise ImportFileError(
            "The header row does not match: "
            + "; ".join(problems)
            + f". Expected columns: {', '.join(COLUMNS)} (the last {len(OPTIONAL)} are "
            "optional)."
        )
    has_sessions = [c in cleaned for c in SESSION_COLUMNS]
    if any(has_sessions) and not all(has_sessions):
        absent = [c for c, there in zip(SESSION_COLUMNS, has_sessions, strict=True) if not there]
        raise ImportFileError(
            f"Session columns come together: add {', '.join(absent)} "
            "(or remove the other session columns)."
        )
    return cleaned


def _records(text: Iterable[str]) -> Iterator[tuple[int, dict | None, str]]:
    """(line, row dict or None, error) for each non-blank record of the CSV."""
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("The file is empty: it needs a header row.") from None
    except UnicodeDecodeError:
        raise ImportFileError("The file is not UTF-8 text; save it as CSV UTF-8.") from None
    except csv.Error as error:
        raise ImportFileError(f"The header row cannot be read: {error}.") from None
    names = _clean_header(header)
    width = len(names)
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise ImportFileError(
                f"The file is not UTF-8 text (near line {reader.line_num + 1}); "
                "save it as CSV UTF-8."
            ) from None
        except csv.Error as error:
            yield reader.line_num, None, f"cannot be read as CSV ({error})"
            continue
        if not any(v.strip() for v in values):
            continue
        if len(values) != width:
            yield (
                reader.line_num,
                None,
                f"has {len(values)} fields where the header has {width}",
            )
            continue
        yield reader.line_num, dict(zip(names, values, strict=True)), ""


# --- Checking one row -----------------------------------------------------------------------


def _decimal(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RowError(f"{what} “{text[:20]}” is not a number") from None
    if not value.is_finite():
        raise RowError(f"{what} “{text[:20]}” is not a number")
    if value <= 0:
        raise RowError(f"{what} must be greater than 0")
    if value > MAX_CEC:
        raise RowError(f"{what} {text[:20]} is too large")
    if value != value.quantize(Decimal("0.1")):
        raise RowError(f"{what} {text[:20]} is finer than tenths")
    return value.quantize(Decimal("0.1"))


def _hours(text: str, what: str) -> Decimal | None:
    """Contact hours as typed, to the hundredth; None when blank (derived when written)."""
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RowError(f"{what} “{text[:20]}” is not a number") from None
    if not value.is_finite():
        raise RowError(f"{what} “{text[:20]}” is not a number")
    if value <= 0:
        raise RowError(f"{what} must be greater than 0")
    if value > MAX_HOURS:
        raise RowError(f"{what} {text[:20]} is too large")
    if value != value.quantize(Decimal("0.01")):
        raise RowError(f"{what} {text[:20]} is finer than hundredths")
    return value.quantize(Decimal("0.01"))


def _date(text: str, what: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RowError(f"{what} “{text[:20]}” is not a date (use YYYY-MM-DD or MM/DD/YYYY)")


# Columns read as numbers, dates or codes (free text may hold any script's digits).
DIGIT_COLUMNS = {
    "number",
    "cec_value",
    "contact_hours",
    "approved_on",
    "expires_on",
    "session_code",
    "session_cec",
    "session_hours",
}


def _check_cells(raw: dict) -> None:
    """No control characters (a NUL byte cannot be stored) and no other scripts' digits in
    any cell: refused on the preview, never a failure on confirm."""
    for column, value in raw.items():
        if not isinstance(value, str):
            continue
        message = inputs.control_character_error(value, multiline=column == "description")
        if message:
            raise RowError(f"{column}: {message[0].lower()}{message[1:]}")
        char = inputs.foreign_digit(value) if column in DIGIT_COLUMNS else None
        if char:
            raise RowError(f"{column}: type the digits 0–9 (“{char}” is a digit of another script)")


def _date_in(day: datetime.date, bounds: inputs.DateBounds, what: str) -> datetime.date:
    message = bounds.error(day)
    if message:
        raise RowError(f"{what} {message[0].lower()}{message[1:]}")
    return day


def _course_values(raw: dict, fmt: str) -> tuple[Decimal | None, Decimal | None]:
    """The course's own CEC value and contact hours; a conference's are its sessions'."""
    cec_text = raw["cec_value"].strip()
    hours_text = raw.get("contact_hours", "").strip()
    if fmt == Course.Format.CONFERENCE:
        if cec_text:
            raise RowError(
                "a conference has no CEC value of its own: leave cec_value blank and give each "
                "session's value in session_cec"
            )
        if hours_text:
            raise RowError(
                "a conference has no contact hours of its own: leave contact_hours blank and "
                "give each session's hours in session_hours"
            )
        return None, None
    if not cec_text:
        raise RowError("cec_value is empty")
    return _decimal(cec_text, "cec_value"), _hours(hours_text, "contact_hours")


def _course_fields(raw: dict) -> dict:
    title = raw["title"].strip()
    if not title:
        raise RowError("title is empty")
    if len(title) > 300:
        raise RowError("title is longer than 300 characters")
    fmt = FORMAT_ALIASES.get(raw["delivery_format"].strip().lower())
    if fmt is None:
        raise RowError(
            f"delivery_format “{raw['delivery_format'].strip()[:20]}” is not one of "
            "live, online, home_study, conference"
        )
    cec_value, contact_hours = _course_values(raw, fmt)
    approved_text = raw["approved_on"].strip()
    expires_text = raw["expires_on"].strip()
    if not approved_text or not expires_text:
        raise RowError("approved_on and expires_on are both required")
    approved_on = _date_in(
        _date(approved_text, "approved_on"), inputs.APPROVAL_START, "approved_on"
    )
    expires_on = _date_in(_date(expires_text, "expires_on"), inputs.APPROVAL_END, "expires_on")
    if expires_on < approved_on:
        raise RowError("expires_on is before approved_on")
    window = inputs.window_error(
        approved_on, expires_on, max_years=inputs.APPROVAL_MAX_YEARS, what="an approval runs"
    )
    if window:
        raise RowError(window)
    status_text = raw.get("status", "").strip().lower()
    if status_text not in STATUSES:
        raise RowError(f"status “{status_text[:20]}” is not approved or retired")
    description = raw.get("description", "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise RowError(f"description is longer than {MAX_DESCRIPTION} characters")
    return {
        "title": title,
        "delivery_format": fmt,
        "cec_value": cec_value,
        "contact_hours": contact_hours,
        "approved_on": approved_on,
        "expires_on": expires_on,
        "status": STATUSES[status_text],
        "description": description,
    }


def _session(raw: dict) -> dict | None:
    values = [raw.get(c, "").strip() for c in SESSION_COLUMNS]
    hours_text = raw.get("session_hours", "").strip()
    if not any(values):
        if hours_text:
            raise RowError("session_hours is for a session row: fill the session columns too")
        return None
    code, title, cec = values
    if not all(values):
        absent = [c for c, v in zip(SESSION_COLUMNS, values, strict=True) if not v]
        raise RowError(f"a session needs all three session columns ({', '.join(absent)} empty)")
    if not SESSION_CODE_RE.fullmatch(code):
        raise RowError(
            f"session_code “{code[:20]}” must be up to 20 letters, digits, dots or dashes"
        )
    if len(title) > 300:
        raise RowError("session_title is longer than 300 characters")
    return {
        "code": code.upper(),
        "title": title,
        "cec_value": _decimal(cec, "session_cec"),
        "contact_hours": _hours(hours_text, "session_hours"),
    }


def _provider(raw: dict) -> tuple[str, str]:
    name = raw["provider"].strip()
    if not name:
        raise RowError("provider is empty")
    if len(name) > 200:
        raise RowError("provider is longer than 200 characters")
    email = raw.get("provider_email", "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise RowError(f"provider_email “{email[:40]}” is not an email address") from None
    return name, email


def _existing(numbers: Iterable[str]) -> dict[str, tuple[int, str]]:
    """The catalog's courses with these numbers: number -> (pk, delivery format)."""
    return {
        number: (pk, fmt)
        for number, pk, fmt in Course.objects.filter(number__in=list(numbers)).values_list(
            "number", "pk", "delivery_format"
        )
    }


def _kind_conflict(row: _Row, existing: dict) -> str:
    """Why the row cannot write its number (it exists as the other kind of course), or ""."""
    if not row.fields or row.number not in existing:
        return ""
    was_conference = existing[row.number][1] == Course.Format.CONFERENCE
    is_conference = row.fields["delivery_format"] == Course.Format.CONFERENCE
    if was_conference == is_conference:
        return ""
    return (
        f"{row.number} exists as {'a conference' if was_conference else 'a single course'}; "
        "it cannot change between conference and single course"
    )


def _outcome(row: _Row, existing: dict) -> RowResult:
    """What an accepted row does to the catalog, in words."""
    if not row.fields:
        action, message = "session", f"adds session {row.session['code']} to {row.number}"
    elif row.number in existing:
        action, message = "update", f"updates {row.number}"
    else:
        action, message = "create", f"creates {row.number}"
    if row.fields and row.session:
        message += f" with session {row.session['code']}"
    title = row.fields.get("title", "") if row.fields else row.session["title"]
    return RowResult(row.line, row.number, action, message, title)


# --- The import -----------------------------------------------------------------------------


class CourseImport:
    """One pass over a CSV: `results()` checks and classifies, `run()` also writes."""

    def __init__(self, text: Iterable[str], *, batch_size: int = BATCH):
        self.text = text
        self.batch_size = batch_size
        self.summary = Summary()
        # Every number met so far: line of its first row, and for a conference its fields.
        self._seen: dict[str, tuple[int, tuple | None]] = {}
        self._session_codes: dict[str, set[str]] = {}  # conference number -> codes in the file
        self._providers = {
            name.lower(): (pk, name) for pk, name in Provider.objects.values_list("pk", "name")
        }
        self._new_providers: dict[str, tuple[str, str]] = {}  # key -> (name, email)
        self._conference_ids: dict[str, int] = {}  # number -> course id, once written
        self._hours_per_unit = selectors.home_hours_per_unit()

    # -- checking
    def _check(self, line: int, raw: dict) -> _Row:
        _check_cells(raw)
        try:
            number = normalize_number(raw["number"])
        except InvalidCourseNumber as error:
            raise RowError(str(error)) from None
        session = _session(raw)
        seen = self._seen.get(number)
        if seen is not None:
            first_line, conference_fields = seen
            if conference_fields is None:
                raise RowError(f"number {number} repeats line {first_line}")
            if session is None:
                raise RowError(
                    f"number {number} repeats line {first_line} (a conference's later rows "
                    "each add one session)"
                )
            if any(raw.get(c, "").strip() for c in COURSE_COLUMNS):
                fields = _course_fields(raw)
                provider, _ = _provider(raw)
                if (provider.lower(), *sorted(fields.items())) != conference_fields:
                    raise RowError(
                        f"the course columns differ from line {first_line}; leave them blank "
                        "on a conference's later rows"
                    )
            if session["code"] in self._session_codes[number]:
                raise RowError(f"session {session['code']} of {number} appears twice")
            return _Row(line, number, {}, session, "", "")
        if session is not None and not any(raw.get(c, "").strip() for c in COURSE_COLUMNS):
            raise RowError(
                f"no earlier valid row of conference {number}: its first row needs the course "
                "columns"
            )
        fields = _course_fields(raw)
        provider_name, provider_email = _provider(raw)
        key = provider_name.lower()
        if key not in self._providers and key not in self._new_providers and not provider_email:
            raise RowError(
                f"provider “{provider_name[:60]}” does not exist; add provider_email to create it"
            )
        if fields["delivery_format"] != Course.Format.CONFERENCE and session is not None:
            raise RowError("only a conference has sessions: leave the session columns blank")
        return _Row(line, number, fields, session, provider_name, provider_email)

    def _accept(self, row: _Row):
        """Remember what an accepted row adds, so later rows are judged against it."""
        if row.fields:
            conference = row.fields["delivery_format"] == Course.Format.CONFERENCE
            fingerprint = None
            if conference:
                fingerprint = (row.provider_key.lower(), *sorted(row.fields.items()))
                self._session_codes[row.number] = set()
            self._seen[row.number] = (row.line, fingerprint)
            key = row.provider_key.lower()
            if key not in self._providers and key not in self._new_providers:
                self._new_providers[key] = (row.provider_key, row.provider_email)
                self.summary.providers_created.append(row.provider_key)
        if row.session is not None:
            self._session_codes[row.number].add(row.session["code"])

    def _batches(self) -> Iterator[list[tuple[int, dict | None, str]]]:
        batch = []
        for record in _records(self.text):
            batch.append(record)
            if len(batch) >= self.batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _classify(self, batch) -> tuple[list[RowResult], list[_Row], dict]:
        """Check one batch. Returns its results, the accepted rows, and the existing courses."""
        candidates = []
        for line, raw, error in batch:
            if raw is None:
                candidates.append((line, None, error))
                continue
            try:
                number = normalize_number(raw["number"])
            except InvalidCourseNumber:
                number = ""
            candidates.append((line, raw, number))
        existing = _existing({n for _, raw, n in candidates if raw is not None and n})
        results, accepted = [], []
        for line, raw, extra in candidates:
            if raw is None:
                results.append(RowResult(line, "", "refused", f"Line {line} {extra}."))
                continue
            shown = raw.get("number", "").strip()[:20]
            try:
                row = self._check(line, raw)
                if conflict := _kind_conflict(row, existing):
                    raise RowError(conflict)
            except RowError as error:
                results.append(RowResult(line, shown, "refused", f"{str(error).rstrip('.')}."))
                continue
            self._accept(row)
            accepted.append(row)
            results.append(_outcome(row, existing))
        return results, accepted, existing

    def results(self) -> Iterator[RowResult]:
        """Check every row without writing anything (the preview)."""
        for batch in self._batches():
            results, _, _ = self._classify(batch)
            for result in results:
                self.summary.count(result)
                yield result

    def checked(self) -> Iterator[list[tuple[RowResult, _Row | None]]]:
        """Check every row without writing anything, a batch at a time: each row's result
        with the accepted row behind it (None when refused), to be staged."""
        for batch in self._batches():
            results, accepted, _ = self._classify(batch)
            rows = iter(accepted)
            pairs = []
            for result in results:
                self.summary.count(result)
                pairs.append((result, None if result.action == "refused" else next(rows)))
            yield pairs

    # -- writing
    def _provider_id(self, key: str) -> int:
        key = key.lower()
        if key not in self._providers:
            name, email = self._new_providers[key]
            provider, _ = Provider.objects.get_or_create(
                name=name, defaults={"contact_email": email}
            )
            self._providers[key] = (provider.pk, provider.name)
        return self._providers[key][0]

    def _with_hours(self, values: dict) -> dict:
        """Blank contact hours filled in from the CEC value (a conference has neither)."""
        if values.get("contact_hours") is not None:
            return values
        hours = selectors.hours_from_cec(values["cec_value"], self._hours_per_unit)
        return values | {"contact_hours": hours}

    def _write(self, accepted: list[_Row]):
        now = timezone.now()
        courses = []
        for row in accepted:
            if row.fields:
                courses.append(
                    Course(
                        number=row.number,
                        provider_id=self._provider_id(row.provider_key),
                        rejection_reason="",
                        decided_at=now,
                        updated_at=now,
                        **self._with_hours(row.fields),
                    )
                )
        if courses:
            Course.objects.bulk_create(
                courses,
                batch_size=500,
                update_conflicts=True,
                unique_fields=["number"],
                update_fields=[
                    "title",
                    "provider",
                    "description",
                    "delivery_format",
                    "cec_value",
                    "contact_hours",
                    "approved_on",
                    "expires_on",
                    "status",
                    "rejection_reason",
                    "updated_at",
                ],
            )
            missing_pk = [c.number for c in courses if c.pk is None and c.is_conference]
            ids = dict(
                Course.objects.filter(number__in=missing_pk).values_list("number", "pk")
                if missing_pk
                else []
            )
            for course in courses:
                if course.is_conference:
                    self._conference_ids[course.number] = course.pk or ids[course.number]
        sessions = [
            Session(course_id=self._conference_ids[row.number], **self._with_hours(row.session))
            for row in accepted
            if row.session is not None
        ]
        if sessions:
            Session.objects.bulk_create(
                sessions,
                batch_size=500,
                update_conflicts=True,
                unique_fields=["course", "code"],
                update_fields=["title", "cec_value", "contact_hours"],
            )

    def run(self, *, progress: Callable[[int], None] | None = None) -> list[RowResult]:
        """Import every valid row in one transaction; returns the refused rows."""
        refused = []
        done = 0
        with transaction.atomic():
            for batch in self._batches():
                results, accepted, _ = self._classify(batch)
                for result in results:
                    self.summary.count(result)
                    if result.action == "refused":
                        refused.append(result)
                self._write(accepted)
                done += len(batch)
                if progress:
                    progress(done)
        return refused


def count_records(binary) -> int:
    """Roughly how many data rows a file has (newlines minus the header), for a progress bar."""
    lines = 0
    last = b""
    for chunk in iter(lambda: binary.read(1 << 20), b""):
        lines += chunk.count(b"\n")
        last = chunk
    if last and not last.endswith(b"\n"):
        lines += 1
    binary.seek(0)
    return max(lines - 1, 0)


def decode_check(binary) -> None:
    """Fail early on a file that is not UTF-8, before anything is written."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in iter(lambda: binary.read(1 << 20), b""):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ImportFileError("The file is not UTF-8 text; save it as CSV UTF-8.") from None
    finally:
        binary.seek(0)


# --- Staged batches: the upload page's import ------------------------------------------------
#
# The upload request only checks the file's envelope (UTF-8, a header row with the required
# columns), keeps the file in default_storage and creates a "checking" batch; the worker's
# `catalog.tasks.stage` then checks it once (`batch_check`, as `batch_stage` does for a
# file at hand) into the ImportBatch: one ImportRow per data row,
# with its outcome in words and, when valid, its cleaned values (`row_values`). A table rather
# than a file: the preview pages read one page of it by index, the worker reads it a thousand
# rows at a time in line order, so neither holds more than a page or a batch in memory at
# 100,000 rows; a refused row stays as the batch's record of why.
#
# Confirming queues `catalog.tasks.import_batch`. The worker writes every valid row in ONE
# transaction, through the same writer as `run()`, and marks the batch done in that same
# transaction: a worker killed midway leaves no row written and the batch "running", which
# `sweep` (or a later run of the task) marks failed once it has shown no sign of life for
# STALE_AFTER.

STALE_AFTER = datetime.timedelta(minutes=5)
REQUEUE_AFTER = datetime.timedelta(minutes=10)
ABANDONED_AFTER = datetime.timedelta(days=1)
PROGRESS_EVERY = 1.0  # seconds between two progress reports of a running import
IMPORT_DIR = "catalog-imports"
CHECK_DIED = (
    "The worker stopped while checking the file (last seen {seen}); nothing was kept. "
    "Upload the file again to retry."
)
DIED = (
    "The worker stopped during the import (last seen {seen}); the database undid it, so "
    "nothing was imported. Upload the file again to retry."
)

_DECIMALS = frozenset({"cec_value", "contact_hours"})
_DATES = frozenset({"approved_on", "expires_on"})

log = logging.getLogger(__name__)


def _to_json(values: dict | None) -> dict | None:
    if values is None:
        return None
    return {k: v if v is None or isinstance(v, str | bool) else str(v) for k, v in values.items()}


def _from_json(values: dict | None) -> dict | None:
    if values is None:
        return None
    out = dict(values)
    for key in _DECIMALS & out.keys():
        out[key] = None if out[key] is None else Decimal(out[key])
    for key in _DATES & out.keys():
        out[key] = datetime.date.fromisoformat(out[key])
    return out


def row_values(row: _Row) -> dict:
    """A checked row's cleaned values as JSON: {"course": …, "session": …, "provider": …}."""
    return {
        "course": _to_json(row.fields),
        "session": _to_json(row.session),
        "provider": [row.provider_key, row.provider_email],
    }


def row_from_values(line: int, number: str, values: dict) -> _Row:
    provider_key, provider_email = values["provider"]
    return _Row(
        line,
        number,
        _from_json(values["course"]),
        _from_json(values["session"]),
        provider_key,
        provider_email,
    )


def batch_stage(*, binary, filename: str, user) -> ImportBatch:
    """Check an uploaded CSV once and keep it as a staged batch: every row's outcome, and the
    valid rows' values. A new upload replaces the user's batch still waiting for confirmation.
    Raises ImportFileError (and keeps nothing) when the file as a whole cannot be read."""
    decode_check(binary)
    with transaction.atomic():
        ImportBatch.objects.of(user).filter(status=ImportBatch.Status.STAGED).delete()
        batch = ImportBatch.objects.create(created_by=user, filename=filename[:200])
        importer = CourseImport(open_text(binary))
        for pairs in importer.checked():
            _stage_chunk(batch, pairs)
        s = importer.summary
        batch.rows = s.rows
        batch.to_write = s.valid
        batch.created, batch.updated, batch.sessions = s.created, s.updated, s.sessions
        batch.refused = s.refused
        batch.providers_created = s.providers_created
        batch.save()
    return batch


def _stage_chunk(batch: ImportBatch, pairs) -> None:
    ImportRow.objects.bulk_create(
        ImportRow(
            batch=batch,
            line=result.line,
            number=result.number[:20],
            action=result.action,
            message=result.message,
            title=result.title[:300],
            values=row_values(row) if row is not None else None,
        )
        for result, row in pairs
    )


def _check_header(binary) -> None:
    """Refuse, reading no further than the first data row, a file without a readable header
    row naming the required columns."""
    text = open_text(binary)
    try:
        next(_records(text), None)
    finally:
        text.detach()
        binary.seek(0)


def batch_receive(*, binary, filename: str, user) -> ImportBatch:
    """Take an upload for the worker to check: its envelope only (UTF-8, the header row) is
    checked here, the file kept in default_storage and a "checking" batch created, whose
    `stage` task is queued once committed. A new upload replaces the user's batch
    still waiting for confirmation. Raises ImportFileError (and keeps nothing) when the file
    as a whole cannot be read."""
    decode_check(binary)
    _check_header(binary)
    name = default_storage.save(f"{IMPORT_DIR}/uploads/{uuid.uuid4().hex}.csv", File(binary))
    try:
        with transaction.atomic():
            ImportBatch.objects.of(user).filter(status=ImportBatch.Status.STAGED).delete()
            batch = ImportBatch.objects.create(
                created_by=user,
                filename=filename[:200],
                file=name,
                status=ImportBatch.Status.CHECKING,
            )
            transaction.on_commit(lambda: _enqueue_check(batch.pk), robust=True)
    except BaseException:
        default_storage.delete(name)
        raise
    return batch


def _enqueue_check(batch_id: int) -> None:
    from .tasks import stage

    try:
        stage.enqueue(batch_id)
    except Exception:  # the queue is down: the sweep fails the batch after STALE_AFTER
        log.exception("Could not queue the check of import batch %s.", batch_id)


def _claim_check(batch_id: int, now: datetime.datetime) -> tuple[ImportBatch | None, str]:
    """Take a "checking" batch no worker has started on: (the batch, "") or (None, why not)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None:
            return None, "missing"
        if batch.status != ImportBatch.Status.CHECKING:
            return None, batch.status
        if batch.started_at is not None:
            if _stale(batch, now):
                _fail_check(batch, _died(batch, CHECK_DIED), now=now)
                return None, "failed: its worker had stopped"
            return None, "checking already"
        batch.started_at = batch.progress_at = now
        batch.save(update_fields=["started_at", "progress_at"])
    return batch, ""


def _fail_check(batch: ImportBatch, error: str, *, now: datetime.datetime | None = None) -> bool:
    """Mark a batch still being checked failed: its rows checked so far and its file go."""
    failed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.CHECKING).update(
        status=ImportBatch.Status.FAILED, error=error[:4000], finished_at=now or timezone.now()
    )
    ImportRow.objects.filter(batch_id=batch.pk).delete()
    if batch.file:
        with suppress(OSError):
            default_storage.delete(batch.file)
    return bool(failed)


def _check_stored(batch: ImportBatch, batch_size: int) -> Summary:
    """Check the stored file into the batch's rows, a committed chunk at a time, so the batch
    page sees how far it is (`rows`) and the sweep sees it alive (`progress_at`)."""
    with default_storage.open(batch.file, "rb") as binary:
        importer = CourseImport(open_text(binary), batch_size=batch_size)
        for pairs in importer.checked():
            with transaction.atomic():
                _stage_chunk(batch, pairs)
                alive = ImportBatch.objects.filter(
                    pk=batch.pk, status=ImportBatch.Status.CHECKING
                ).update(rows=importer.summary.rows, progress_at=timezone.now())
            if not alive:
                raise _Overtaken("The check was given up while it ran; nothing was kept.")
    return importer.summary


def batch_check(batch_id: int, *, batch_size: int = BATCH) -> str:
    """The worker's half of an upload: check the stored file once into the batch's rows and
    mark it staged, deleting the file; a file that cannot be read fails the batch with why."""
    batch, why_not = _claim_check(batch_id, timezone.now())
    if batch is None:
        return why_not
    try:
        s = _check_stored(batch, batch_size)
    except Exception as error:
        log.exception("Checking import batch %s failed", batch.pk)
        if isinstance(error, _Overtaken):
            reason = str(error)
        elif isinstance(error, ImportFileError):
            reason = f"Nothing was kept. {error}"
        else:
            reason = f"Nothing was kept. {_describe(error)}"
        _fail_check(batch, reason)
        return "failed"
    staged = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.CHECKING).update(
        status=ImportBatch.Status.STAGED,
        rows=s.rows,
        to_write=s.valid,
        created=s.created,
        updated=s.updated,
        sessions=s.sessions,
        refused=s.refused,
        providers_created=s.providers_created,
        file="",
    )
    if not staged:
        _fail_check(batch, "The check was given up while it ran; nothing was kept.")
        return "failed"
    with suppress(OSError):
        default_storage.delete(batch.file)
    return "staged"


def _locked(batch: ImportBatch) -> ImportBatch:
    return ImportBatch.objects.select_for_update().get(pk=batch.pk)


def batch_confirm(*, batch: ImportBatch) -> ImportBatch:
    """Queue a staged batch for the worker; returns at once."""
    with transaction.atomic():
        batch = _locked(batch)
        if batch.status != ImportBatch.Status.STAGED:
            raise ValidationError("This upload is already confirmed; it is imported only once.")
        if batch.to_write == 0:
            raise ValidationError("Every row of this file is refused: there is nothing to import.")
        batch.status = ImportBatch.Status.QUEUED
        batch.queued_at = timezone.now()
        batch.save(update_fields=["status", "queued_at"])
        transaction.on_commit(lambda: _enqueue(batch.pk), robust=True)
    return batch


def batch_discard(*, batch: ImportBatch) -> None:
    """Throw a staged batch away, before anything is imported."""
    with transaction.atomic():
        batch = _locked(batch)
        if batch.status != ImportBatch.Status.STAGED:
            raise ValidationError(
                "This upload is confirmed already; it can no longer be discarded."
            )
        batch.delete()


def _enqueue(batch_id: int) -> None:
    from .tasks import import_batch

    try:
        import_batch.enqueue(batch_id)
    except Exception:  # the queue is down: the sweep queues it again
        log.exception("Could not queue import batch %s; the sweep retries.", batch_id)


class _Progress:
    """How far a running import is, told from outside its transaction (whose writes nobody
    sees before it commits). Where two connections may write at once (PostgreSQL) a second
    connection updates the batch row, which the import leaves alone until its last statement;
    SQLite lets one writer at a time, so there a small file under PRIVATE_MEDIA_ROOT says it
    (the web process shares the machine that holds the SQLite file)."""

    def __init__(self, batch_id: int):
        self.batch_id = batch_id
        self.last: float | None = 0.0  # None once reporting has failed
        self.connection = None
        self.sidecar = connection.vendor == "sqlite"

    def __call__(self, written: int) -> None:
        now = time.monotonic()
        if self.last is None or now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        try:
            self.report(written)
        except Exception:  # the bar stands still; the import itself goes on
            log.warning("Import batch %s cannot report its progress", self.batch_id, exc_info=True)
            self.last = None

    def report(self, written: int) -> None:
        if self.sidecar:
            path = progress_file(self.batch_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            scratch = path.with_suffix(".tmp")
            scratch.write_text(str(written))
            os.replace(scratch, path)
            return
        if self.connection is None:
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        table = self.connection.ops.quote_name(ImportBatch._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET written = %s, progress_at = %s WHERE id = %s AND status = %s",
                [written, timezone.now(), self.batch_id, ImportBatch.Status.RUNNING],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        progress_file(self.batch_id).unlink(missing_ok=True)


def progress_file(batch_id: int) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / IMPORT_DIR / "progress" / f"{batch_id}.txt"


def batch_written(batch: ImportBatch) -> int:
    """How many of the batch's valid rows are imported, as far as anyone can tell yet."""
    if batch.status == ImportBatch.Status.DONE:
        return batch.to_write
    if batch.status != ImportBatch.Status.RUNNING:
        return 0
    try:
        told = int(progress_file(batch.pk).read_text())
    except (OSError, ValueError):
        told = 0
    return min(max(batch.written, told), batch.to_write)


class StagedImport(CourseImport):
    """The writing half of an import, over a staged batch's checked rows. It re-checks only
    what the catalog may have changed since the upload (a number now the other kind of course,
    a provider gone) and writes through the same code as `run()`."""

    def __init__(self, batch_id: int, *, batch_size: int = BATCH):
        super().__init__((), batch_size=batch_size)
        self.batch_id = batch_id
        self._lost: set[str] = set()  # conferences whose first row is refused now

    def _chunks(self) -> Iterator[list[_Row]]:
        valid = ImportRow.objects.filter(batch_id=self.batch_id).exclude(
            action=ImportRow.Action.REFUSED
        )
        last = 0
        while chunk := list(
            valid.filter(line__gt=last)
            .order_by("line")
            .values_list("line", "number", "values")[: self.batch_size]
        ):
            yield [row_from_values(*values) for values in chunk]
            last = chunk[-1][0]

    def _admit(self, row: _Row, existing: dict) -> str:
        """Why a row checked on upload cannot be written now, or "" (registering a provider
        it creates)."""
        if not row.fields:
            if row.number in self._lost:
                return f"conference {row.number} is refused (see its first row)"
            return ""
        if conflict := _kind_conflict(row, existing):
            return conflict
        key = row.provider_key.lower()
        if key in self._providers or key in self._new_providers:
            return ""
        if not row.provider_email:
            return f"provider “{row.provider_key[:60]}” does not exist; add provider_email"
        self._new_providers[key] = (row.provider_key, row.provider_email)
        self.summary.providers_created.append(row.provider_key)
        return ""

    def run(self, *, progress: Callable[[int], None] | None = None) -> list[RowResult]:
        """Write every valid staged row (the caller holds the transaction); returns the rows
        refused now, which were valid on upload."""
        refused, done = [], 0
        for rows in self._chunks():
            existing = _existing(r.number for r in rows if r.fields)
            accepted = []
            for row in rows:
                if reason := self._admit(row, existing):
                    refused.append(RowResult(row.line, row.number, "refused", f"{reason}."))
                    if row.fields.get("delivery_format") == Course.Format.CONFERENCE:
                        self._lost.add(row.number)
                else:
                    accepted.append(row)
                    self.summary.count(_outcome(row, existing))
            self._write(accepted)
            done += len(rows)
            if progress:
                progress(done)
        for result in refused:
            self.summary.count(result)
            ImportRow.objects.filter(batch_id=self.batch_id, line=result.line).update(
                action=ImportRow.Action.REFUSED, message=result.message, values=None
            )
        return refused


def _last_seen(batch: ImportBatch) -> datetime.datetime | None:
    return batch.progress_at or batch.started_at or batch.queued_at or batch.created_at


def _stale(batch: ImportBatch, now: datetime.datetime) -> bool:
    """A running batch whose worker has said nothing for STALE_AFTER has stopped: a live
    import reports at least every few seconds (on SQLite, where it cannot, nobody else can
    write while it runs, so nobody looks)."""
    seen = _last_seen(batch)
    return seen is None or now - seen > STALE_AFTER


def _died(batch: ImportBatch, message: str = DIED) -> str:
    seen = _last_seen(batch)
    return message.format(seen=f"{timezone.localtime(seen):%m/%d/%Y %H:%M}" if seen else "never")


def _fail(batch_id: int, error: str, *, now: datetime.datetime | None = None) -> bool:
    """Mark a running batch failed with its error (its rows were never committed)."""
    now = now or timezone.now()
    failed = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.RUNNING).update(
        status=ImportBatch.Status.FAILED, error=error[:4000], finished_at=now
    )
    progress_file(batch_id).unlink(missing_ok=True)
    return bool(failed)


def _claim(batch_id: int, now: datetime.datetime) -> tuple[ImportBatch | None, str]:
    """Take a queued batch for this worker: (the batch, "") or (None, why not)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None:
            return None, "missing"
        if batch.status == ImportBatch.Status.RUNNING and _stale(batch, now):
            _fail(batch.pk, _died(batch), now=now)
            return None, "failed: its worker had stopped"
        if batch.status != ImportBatch.Status.QUEUED:
            return None, batch.status
        batch.status = ImportBatch.Status.RUNNING
        batch.started_at = batch.progress_at = now
        batch.written = 0
        batch.save(update_fields=["status", "started_at", "progress_at", "written"])
    return batch, ""


class _Overtaken(Exception):
    """The batch stopped being this worker's while it imported (the sweep gave it up)."""


def batch_run(batch_id: int, *, batch_size: int = BATCH) -> str:
    """Import a queued batch, all or nothing. Safe to run twice: only a queued batch runs;
    one found running with no sign of life for STALE_AFTER is marked failed."""
    batch, why_not = _claim(batch_id, timezone.now())
    if batch is None:
        return why_not
    progress = _Progress(batch.pk)
    try:
        with transaction.atomic():
            importer = StagedImport(batch.pk, batch_size=batch_size)
            refused = importer.run(progress=progress)
            s = importer.summary
            finished = ImportBatch.objects.filter(
                pk=batch.pk, status=ImportBatch.Status.RUNNING
            ).update(
                status=ImportBatch.Status.DONE,
                written=batch.to_write,
                created=s.created,
                updated=s.updated,
                sessions=s.sessions,
                refused=batch.refused + len(refused),
                providers_created=s.providers_created,
                finished_at=timezone.now(),
            )
            if not finished:
                raise _Overtaken("The import was given up while it ran; nothing was imported.")
    except Exception as error:
        log.exception("Import batch %s failed", batch.pk)
        _fail(batch.pk, str(error) if isinstance(error, _Overtaken) else _describe(error))
        return "failed"
    finally:
        progress.close()
    _drop_values(batch.pk)
    return "done"


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}".strip()


def _drop_values(batch_id: int | None = None) -> int:
    """Valid rows' values are needed until the batch is imported (or failed); refused rows
    stay as the batch's record."""
    rows = ImportRow.objects.filter(
        batch__status__in=[ImportBatch.Status.DONE, ImportBatch.Status.FAILED]
    ).exclude(action=ImportRow.Action.REFUSED)
    if batch_id is not None:
        rows = rows.filter(batch_id=batch_id)
    return rows.delete()[0]


def _old_files(cutoff: datetime.datetime) -> int:
    """Files under catalog-imports/ untouched since `cutoff`: uploads kept by the flow before
    batches, progress files left by a worker that stopped."""
    removed = 0
    with suppress(FileNotFoundError, NotADirectoryError, NotImplementedError):
        folders, files = default_storage.listdir(IMPORT_DIR)
        names = [f"{IMPORT_DIR}/{name}" for name in files]
        for folder in folders:
            names += [
                f"{IMPORT_DIR}/{folder}/{n}"
                for n in default_storage.listdir(f"{IMPORT_DIR}/{folder}")[1]
            ]
        for name in names:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
                removed += 1
    return removed


def _sweep_checking(now: datetime.datetime) -> int:
    """Batches left "checking" by a worker that stopped (or never started): failed after
    STALE_AFTER without progress, with their file deleted."""
    with transaction.atomic():
        checking = ImportBatch.objects.select_for_update(skip_locked=True).filter(
            status=ImportBatch.Status.CHECKING
        )
        stuck = [b for b in checking if _stale(b, now)]
        for batch in stuck:
            _fail_check(batch, _died(batch, CHECK_DIED), now=now)
    return len(stuck)


def batches_sweep(*, now: datetime.datetime) -> str:
    """The periodic clean-up: running (or checking) batches whose worker stopped are marked
    failed, queued
    ones the queue lost are queued again, staged ones abandoned for a day are deleted with
    their rows, and leftover files go."""
    done = []
    with transaction.atomic():
        running = ImportBatch.objects.select_for_update(skip_locked=True).filter(
            status=ImportBatch.Status.RUNNING
        )
        died = [b for b in running if _stale(b, now)]
        for batch in died:
            _fail(batch.pk, _died(batch), now=now)
    if died:
        done.append(f"{len(died)} stopped import(s) marked failed")
    if stuck := _sweep_checking(now):
        done.append(f"{stuck} stopped check(s) of an upload marked failed")
    lost = list(
        ImportBatch.objects.filter(
            status=ImportBatch.Status.QUEUED, queued_at__lt=now - REQUEUE_AFTER
        ).values_list("pk", flat=True)
    )
    for pk in lost:
        ImportBatch.objects.filter(pk=pk).update(queued_at=now)
        _enqueue(pk)
    if lost:
        done.append(f"{len(lost)} queued import(s) queued again")
    _, deleted = ImportBatch.objects.filter(
        status=ImportBatch.Status.STAGED, created_at__lt=now - ABANDONED_AFTER
    ).delete()
    if abandoned := deleted.get(ImportBatch._meta.label, 0):
        done.append(f"{abandoned} upload(s) never confirmed deleted")
    if dropped := _drop_values():
        done.append(f"{dropped} checked row(s) of finished imports dropped")
    if files := _old_files(now - ABANDONED_AFTER):
        done.append(f"{files} old file(s) deleted")
    return "; ".join(done)
