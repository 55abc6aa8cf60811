"""Reading a certificate: its text (from a PDF, or by OCR from a photo) and what the text says.

No database here. `text_of` turns the bytes of a checked upload into lines of text; `parse`
finds in them what the add form needs: candidate course numbers, the completion date and the
credit stated. Matching a number against the catalog is the services' job.

OCR uses RapidOCR's models (shipped inside the `rapidocr` package) on onnxruntime, on the
CPU, one thread: a photo is scaled so its longer side is at most `MAX_SIDE` pixels first.
"""

from __future__ import annotations

import datetime
import io
import logging
import re
import threading
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from PIL import Image, ImageOps

PDF = "application/pdf"
# A phone photo is 4,000 px wide; text on a certificate stays legible at 1,600.
MAX_SIDE = 1600
# Text detection works on a copy at most this long on its longer side (speed).
DETECT_SIDE = 960
OCR_THREADS = 1
MAX_TEXT = 20_000

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
US_DATE = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\b")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
WORD_DATE = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
DAY_FIRST_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(\d{{4}})\b", re.I)
DATE_WORDS = ("complet", "date", "awarded", "earned", "attended", "issued", "finished")

_UNIT = r"(CECs?|CEUs?|continuing education (?:credits?|units?))"
_AMOUNT = r"(\d{1,3}(?:[.,]\d{1,2})?)"
CREDIT_AFTER = re.compile(rf"{_AMOUNT}\s*{_UNIT}\b", re.I)
CREDIT_BEFORE = re.compile(rf"\b{_UNIT}\s*(?:awarded|earned|approved)?\s*[:=-]?\s*{_AMOUNT}", re.I)
MAX_CREDIT = Decimal("100")

# Letters, an optional hyphen (NASM-CA23456), then digits: any certifier's approval number.
NUMBER = re.compile(r"\b((?:[A-Z]{2,6}-)?[A-Z]{1,6})( ?-? ?)([0-9OI|]{4,8})\b")
# OCR reads a zero as the letter O, a one as I or a bar.
DIGIT_FIXES = str.maketrans({"O": "0", "I": "1", "|": "1"})

logger = logging.getLogger(__name__)


class Unreadable(Exception):
    """The file holds nothing to read; the message says why, for the form."""


@dataclass
class Found:
    """What a certificate's text says, each part possibly missing."""

    numbers: list[str] = field(default_factory=list)
    completion_date: datetime.date | None = None
    credit: Decimal | None = None
    unit: str = ""
    future_date: datetime.date | None = None


# --- Text -------------------------------------------------------------------------------------


def text_of(data: bytes, content_type: str) -> str:
    """The certificate's text, line by line. Raises Unreadable with a sentence for the form."""
    if content_type == PDF:
        return _pdf_text(data)
    return ocr_text(_photo(data))


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        page = reader.pages[0]
        text = (page.extract_text() or "").strip()
        if text:
            return text[:MAX_TEXT]
        # A scanned certificate: a PDF holding a picture of the page.
        pictures = sorted(page.images, key=lambda p: len(p.data), reverse=True)
    finally:
        pypdf_logger.setLevel(level)
    if not pictures:
        raise Unreadable("The PDF holds no text and no picture of a certificate to read.")
    return ocr_text(_photo(pictures[0].data))


def _photo(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as opened:
        # Phones store the camera's orientation in EXIF rather than turning the pixels.
        image = ImageOps.exif_transpose(opened).convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    return image


_engine = None
_engine_lock = threading.Lock()


def engine():
    """The OCR engine, loaded once per process (about a second)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            from rapidocr import RapidOCR

            _engine = RapidOCR(
                params={
                    "Global.log_level": "warning",
                    "Det.limit_type": "max",
                    "Det.limit_side_len": DETECT_SIDE,
                    "EngineConfig.onnxruntime.intra_op_num_threads": OCR_THREADS,
                    "EngineConfig.onnxruntime.inter_op_num_threads": OCR_THREADS,
                }
            )
        return _engine


def ocr_text(image: Image.Image) -> str:
    """The lines of text OCR finds in a picture, top to bottom ("" when it finds none)."""
    import numpy

    # OpenCV's channel order, which the engine expects.
    pixels = numpy.asarray(image.convert("RGB"))[:, :, ::-1].copy()
    result = engine()(pixels)
    lines = list(result.txts or ())
    return "\n".join(lines)[:MAX_TEXT]


# --- Meaning ----------------------------------------------------------------------------------


def parse(text: str, *, today: datetime.date) -> Found:
    """What the text says: course-number candidates in order, completion date, credit."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    found = Found(numbers=_numbers(lines))
    _pick_date(found, lines, today)
    found.credit, found.unit = _credit(lines)
    return found


def _numbers(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        for match in NUMBER.finditer(line.upper()):
            head, between, raw_digits = match.groups()
            if sum(ch.isdigit() for ch in raw_digits) < 3:
                continue
            # A hyphen is part of a number (NASM-4321); a space is not (CA 23456).
            candidate = head + between.strip() + raw_digits.translate(DIGIT_FIXES)
            # NASM-CA23456 is tried whole (another certifier's number), then as CA23456.
            for each in (candidate, candidate.rpartition("-")[2]):
                if each not in out:
                    out.append(each)
    return out


def _dates_in(line: str) -> list[datetime.date]:
    days = []
    for match in US_DATE.finditer(line):
        days.append(_day(match.group(3), match.group(1), match.group(2)))
    for match in ISO_DATE.finditer(line):
        days.append(_day(match.group(1), match.group(2), match.group(3)))
    for match in WORD_DATE.finditer(line):
        days.append(_day(match.group(3), MONTHS.get(match.group(1).lower()), match.group(2)))
    for match in DAY_FIRST_DATE.finditer(line):
        days.append(_day(match.group(3), MONTHS.get(match.group(2).lower()), match.group(1)))
    return [d for d in days if d is not None]


def _day(year, month, day) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None


def _pick_date(found: Found, lines: list[str], today: datetime.date) -> None:
    """The date on a line that names it (completed, date …), else the only date there is."""
    labelled, other = [], []
    for line in lines:
        target = labelled if any(word in line.lower() for word in DATE_WORDS) else other
        target.extend(_dates_in(line))
    for day in labelled + other:
        if day <= today:
            found.completion_date = day
            return
        found.future_date = found.future_date or day


def _credit(lines: list[str]) -> tuple[Decimal | None, str]:
    for line in lines:
        for pattern, amount_group, unit_group in ((CREDIT_AFTER, 1, 2), (CREDIT_BEFORE, 2, 1)):
            match = pattern.search(line)
            if match is None:
                continue
            try:
                value = Decimal(match.group(amount_group).replace(",", "."))
            except InvalidOperation:
                continue
            if Decimal(0) < value <= MAX_CREDIT and value == value.quantize(Decimal("0.1")):
                unit = match.group(unit_group).upper()
                return value.quantize(Decimal("0.1")), "CEU" if "U" in unit[2:] else "CEC"
    return None, ""
