"""What every form accepts as text, digits and dates: one place, so that every form refuses
the same things with the same words.

Use it in every form (a new form included):

    class MyForm(CleanInputMixin, forms.Form): ...

- **Text**: every text field is bounded (`max_length`; a field without one gets `LINE_MAX` on
  one line or `TEXT_MAX` in a text area) and refuses NUL and other control characters with a
  message; tabs and line breaks are allowed only in text areas.
- **Digits**: numbers, dates and codes are typed with the digits 0–9. Digits of other scripts
  (Arabic-Indic `٣`, Devanagari `३`, full-width `３`) are refused with a message rather than
  silently read as numbers. In free text they are text like any other.
- **Dates**: each kind of date has its plausible range as data (`DateBounds` below, each with
  its reason); the message names the bound.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone

LINE_MAX = 300  # a title, a name, a code: anything typed on one line
TEXT_MAX = 5000  # a note, a description, a reason

# C0 controls and DEL; tab, line feed and carriage return are allowed in text areas only.
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")

CONTROL_MESSAGE = (
    "This contains an invisible control character ({name}), which cannot be stored. "
    "Retype the text, or paste it as plain text."
)
LINE_BREAK_MESSAGE = "Keep this on one line: remove the line break or tab."
DIGITS_MESSAGE = (
    "Type the digits 0–9 here: “{char}” is a digit from another script, and numbers, dates "
    "and codes are read only in 0–9."
)


def us_date(day: datetime.date) -> str:
    """MM/DD/YYYY, with four digits even for the year 1."""
    return f"{day.month:02}/{day.day:02}/{day.year:04}"


def _char_name(char: str) -> str:
    return {"\x00": "a NUL byte", "\t": "a tab", "\n": "a line break", "\r": "a line break"}.get(
        char, f"U+{ord(char):04X}"
    )


def control_character_error(text: str, *, multiline: bool = False) -> str | None:
    """The message for the first control character in `text`, or None."""
    pattern = _CONTROL_MULTILINE if multiline else _CONTROL_LINE
    match = pattern.search(text)
    if match is None:
        return None
    char = match.group(0)
    if not multiline and char in "\t\n\r\x85\u2028\u2029":
        return LINE_BREAK_MESSAGE
    return CONTROL_MESSAGE.format(name=_char_name(char))


def foreign_digit(text: str) -> str | None:
    """The first digit in `text` that is not 0–9, or None."""
    for char in text:
        if char.isdigit() and not ("0" <= char <= "9"):
            return char
    return None


class NoControlCharacters:
    def __init__(self, *, multiline: bool):
        self.multiline = multiline

    def __call__(self, value):
        message = control_character_error(str(value), multiline=self.multiline)
        if message:
            raise ValidationError(message, code="control_character")

    def __eq__(self, other):
        return isinstance(other, NoControlCharacters) and other.multiline == self.multiline


def check_digits(value) -> None:
    char = foreign_digit(value) if isinstance(value, str) else None
    if char:
        raise ValidationError(DIGITS_MESSAGE.format(char=char), code="digits")


# --- Dates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateBounds:
    """The plausible range of one kind of date. `earliest` is a fixed date; `latest` a
    function of today (None: no upper bound besides the form's own rule)."""

    earliest: datetime.date
    latest: Callable[[datetime.date], datetime.date] | None
    reason: str

    def error(self, value: datetime.date, today: datetime.date | None = None) -> str | None:
        today = today or timezone.localdate()
        if value < self.earliest:
            return (
                f"{us_date(value)} is too early: the earliest date accepted here is "
                f"{us_date(self.earliest)} ({self.reason})."
            )
        if self.latest is not None and value > (last := self.latest(today)):
            if last == today:
                return f"{us_date(value)} is in the future: the date cannot be after today."
            return (
                f"{us_date(value)} is too far ahead: the latest date accepted here is "
                f"{us_date(last)} ({self.reason})."
            )
        return None


def _today(day):
    return day


def _years_ahead(years):
    return lambda day: day + relativedelta(years=years)


# Credit, certifications and renewals: fitness certifications with continuing-education
# requirements date from the 1970s, and nobody completes anything tomorrow.
EARNED = DateBounds(datetime.date(1970, 1, 1), _today, "no earlier date is plausible for this")
# A CPR/AED card: issued in the past, recently enough to matter (no card is valid longer than
# CPR_CARD_MAX_YEARS, so an older one is only history).
CPR_CARD_MAX_YEARS = 3
CPR_ISSUED = DateBounds(datetime.date(1970, 1, 1), _today, "no earlier card is plausible")
CPR_EXPIRES = DateBounds(
    datetime.date(1970, 1, 1), _years_ahead(CPR_CARD_MAX_YEARS), "cards are valid 1 to 2 years"
)
# Course approvals: a course number is approved for a window of a few years; nothing in the
# catalog predates the certifiers' approval programs, and no window starts years ahead.
APPROVAL_MAX_YEARS = 5
APPROVAL_START = DateBounds(
    datetime.date(1985, 1, 1), _years_ahead(1), "approvals start within a year from today"
)
APPROVAL_END = DateBounds(
    datetime.date(1985, 1, 1),
    _years_ahead(APPROVAL_MAX_YEARS + 1),
    f"an approval window is at most {APPROVAL_MAX_YEARS} years",
)


def window_error(start, end, *, max_years: int, what: str) -> str | None:
    """The message when `end` is more than `max_years` after `start`, else None."""
    if start and end and end > start + relativedelta(years=max_years):
        return f"{what} at most {max_years} years: {us_date(start)} to {us_date(end)} is longer."
    return None


class BoundedDate:
    """A validator for a date field: the value inside `bounds`."""

    def __init__(self, bounds: DateBounds):
        self.bounds = bounds

    def __call__(self, value):
        if isinstance(value, datetime.date):
            message = self.bounds.error(value)
            if message:
                raise ValidationError(message, code="out_of_bounds")

    def __eq__(self, other):
        return isinstance(other, BoundedDate) and other.bounds == self.bounds


# --- The form mixin -------------------------------------------------------------------------

DIGIT_FIELDS = (
    forms.DecimalField,
    forms.IntegerField,
    forms.FloatField,
    forms.DateField,
    forms.DateTimeField,
    forms.TimeField,
    forms.UUIDField,
)


def _guard_digits(field: forms.Field) -> None:
    """Refuse other scripts' digits before the field reads the value (Python would read
    `٣` as 3)."""
    read = field.to_python

    def to_python(value):
        check_digits(value)
        return read(value)

    field.to_python = to_python


def harden(field: forms.Field, *, ascii_digits: bool = False) -> forms.Field:
    """Apply the rules above to one form field (in place, once); return it."""
    if getattr(field, "_clean_input", False):
        return field
    field._clean_input = True
    if isinstance(field, DIGIT_FIELDS) or ascii_digits:
        _guard_digits(field)
    is_text = isinstance(field, forms.CharField) and not isinstance(field, forms.UUIDField)
    if is_text and not isinstance(field.widget, forms.PasswordInput):
        multiline = isinstance(field.widget, forms.Textarea)
        if field.max_length is None:
            field.max_length = TEXT_MAX if multiline else LINE_MAX
            field.validators.append(MaxLengthValidator(field.max_length))
            field.widget.attrs.setdefault("maxlength", str(field.max_length))
        validator = NoControlCharacters(multiline=multiline)
        if validator not in field.validators:
            field.validators.append(validator)
    return field


class CleanInputMixin:
    """Put first among a form's bases. `ascii_digit_fields` names text fields that hold
    numbers or codes (a course number, a grade) and so take only 0–9."""

    ascii_digit_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.harden_fields()

    def harden_fields(self):
        for name, field in self.fields.items():
            harden(field, ascii_digits=name in self.ascii_digit_fields)

    def full_clean(self):
        # Fields a form adds after __init__ (they depend on the kind, the user…) too.
        self.harden_fields()
        super().full_clean()
