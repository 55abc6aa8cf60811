"""Bulk import of approved courses (and conference sessions) from CSV.

The same code serves the upload page (preview, then confirm) and `manage.py import_courses`.
It streams: rows are read, checked and written in batches, so memory stays bounded by the
batch size plus the set of numbers seen in the file (needed to refuse duplicates).

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
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from . import selectors
from .models import Course, Provider, Session
from .numbers import InvalidCourseNumber, normalize_number

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
MAX_CEC = Decimal("999.9")
MAX_HOURS = Decimal("9999.99")
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
    approved_on = _date(approved_text, "approved_on")
    expires_on = _date(expires_text, "expires_on")
    if expires_on < approved_on:
        raise RowError("expires_on is before approved_on")
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
        numbers = {n for _, raw, n in candidates if raw is not None and n}
        existing = {
            number: (pk, fmt)
            for number, pk, fmt in Course.objects.filter(number__in=numbers).values_list(
                "number", "pk", "delivery_format"
            )
        }
        results, accepted = [], []
        for line, raw, extra in candidates:
            if raw is None:
                results.append(RowResult(line, "", "refused", f"Line {line} {extra}."))
                continue
            shown = raw.get("number", "").strip()[:20]
            try:
                row = self._check(line, raw)
                if row.fields and row.number in existing:
                    was_conference = existing[row.number][1] == Course.Format.CONFERENCE
                    is_conference = row.fields["delivery_format"] == Course.Format.CONFERENCE
                    if was_conference != is_conference:
                        raise RowError(
                            f"{row.number} exists as "
                            f"{'a conference' if was_conference else 'a single course'}; "
                            "it cannot change between conference and single course"
                        )
            except RowError as error:
                results.append(RowResult(line, shown, "refused", f"{str(error).rstrip('.')}."))
                continue
            self._accept(row)
            accepted.append(row)
            if not row.fields:
                action, message = "session", f"adds session {row.session['code']} to {row.number}"
            elif row.number in existing:
                action, message = "update", f"updates {row.number}"
            else:
                action, message = "create", f"creates {row.number}"
            if row.fields and row.session:
                message += f" with session {row.session['code']}"
            title = row.fields.get("title", "") if row.fields else row.session["title"]
            results.append(RowResult(line, row.number, action, message, title))
        return results, accepted, existing

    def results(self) -> Iterator[RowResult]:
        """Check every row without writing anything (the preview)."""
        for batch in self._batches():
            results, _, _ = self._classify(batch)
            for result in results:
                self.summary.count(result)
                yield result

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
