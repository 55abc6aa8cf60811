"""Course numbers: one of the prefixes CEP, CP, CA, CS, CL followed by five or six digits."""

import re
import unicodedata

PREFIXES = ("CEP", "CP", "CA", "CS", "CL")
# ASCII digits only: Python's \d also takes other scripts' digits.
NUMBER_RE = re.compile(r"^(CEP|CP|CA|CS|CL)([0-9]{5,6})$")
NUMBER_REGEX_SQL = r"^(CEP|CP|CA|CS|CL)[0-9]{5,6}$"
EXPECTED_FORM = "CEP, CP, CA, CS or CL followed by five or six digits, e.g. CA23456 or CEP123456"
# Anything longer than this cannot be a course number, whatever its spaces.
MAX_INPUT = 64


class InvalidCourseNumber(ValueError):
    pass


def normalize_number(text):
    """Return the canonical form of a typed course number, or raise InvalidCourseNumber.

    People type stray spaces and lower case: " ca 23456 " is "CA23456"; a phone's full-width
    characters are the same letters and digits ("ＣＡ２３４５６").
    """
    if text is None:
        raise InvalidCourseNumber("Enter a course number.")
    if len(text) > MAX_INPUT:
        raise InvalidCourseNumber(f"That is not a course number. Expected {EXPECTED_FORM}.")
    number = compact(text)
    if not number:
        raise InvalidCourseNumber("Enter a course number.")
    if not NUMBER_RE.fullmatch(number):
        raise InvalidCourseNumber(f"“{number}” is not a course number. Expected {EXPECTED_FORM}.")
    return number


# --- Other certifiers' approval numbers -----------------------------------------------------
# A certifier with no published format: any short identifier of capitals, digits and hyphens.
ANY_APPROVAL_RE = r"[A-Z0-9][A-Z0-9-]{2,29}"
ANY_APPROVAL_FORM = "3 to 30 capital letters, digits or hyphens"
APPROVAL_MAX = 30


def compact(text: str | None) -> str:
    """Stray spaces removed, full-width characters made plain (NFKC), letters capitalised:
    what every number is compared as."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def approval_number_error(number: str, *, pattern: str, example: str, certifier: str) -> str:
    """Why a normalised approval number cannot be one of `certifier`'s, or "" when it can.

    The number must match the certifier's pattern whole (or the generic form when it has
    none), carry a digit (that is what the lookup searches for) and must not look like one of
    this portal's own numbers, so a typed number never means two courses.
    """
    form = f"the form {pattern}" if pattern else ANY_APPROVAL_FORM
    if example:
        form += f", e.g. {example}"
    if not number:
        return "Enter the approval number."
    if len(number) > APPROVAL_MAX:
        return f"An approval number has at most {APPROVAL_MAX} characters."
    try:
        matches = re.fullmatch(pattern or ANY_APPROVAL_RE, number) is not None
    except re.error:
        return (
            f"{certifier}'s course number format is not a valid pattern; correct it in the "
            "admin first."
        )
    if not matches:
        return f"“{number}” is not a {certifier} approval number. Expected {form}."
    if not any(ch.isdigit() for ch in number):
        return f"“{number}” has no digit; an approval number carries at least one."
    if NUMBER_RE.fullmatch(number):
        return (
            f"“{number}” has the form of this portal's own course numbers; it cannot also be "
            f"a {certifier} number."
        )
    return ""
