"""Course numbers: one of the prefixes CEP, CP, CA, CS, CL followed by five or six digits."""

import re

PREFIXES = ("CEP", "CP", "CA", "CS", "CL")
NUMBER_RE = re.compile(r"^(CEP|CP|CA|CS|CL)(\d{5,6})$")
NUMBER_REGEX_SQL = r"^(CEP|CP|CA|CS|CL)[0-9]{5,6}$"
EXPECTED_FORM = "CEP, CP, CA, CS or CL followed by five or six digits, e.g. CA23456 or CEP123456"
# Anything longer than this cannot be a course number, whatever its spaces.
MAX_INPUT = 64


class InvalidCourseNumber(ValueError):
    pass


def normalize_number(text):
    """Return the canonical form of a typed course number, or raise InvalidCourseNumber.

    People type stray spaces and lower case: " ca 23456 " is "CA23456".
    """
    if text is None:
        raise InvalidCourseNumber("Enter a course number.")
    if len(text) > MAX_INPUT:
        raise InvalidCourseNumber(f"That is not a course number. Expected {EXPECTED_FORM}.")
    compact = "".join(text.split()).upper()
    if not compact:
        raise InvalidCourseNumber("Enter a course number.")
    if not NUMBER_RE.fullmatch(compact):
        raise InvalidCourseNumber(f"“{compact}” is not a course number. Expected {EXPECTED_FORM}.")
    return compact
