"""What a petition may ask for: the cycle it counts toward, the suggested credit, the caps.

The numbers come from the certifier's KindRule rows, so another certifier needs no new code.
`assess_request` is used by the form (to say what is wrong), by the preview (to say which
cycle and how much) and by `petition_submit` (so the rules hold whoever calls it).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from tracker.models import Certification, Certifier, Cycle, Kind, KindRule
from tracker.selectors import current_cycles_on, suggested_credit

from .models import Petition

# Best first. A grade meets a minimum when it ranks at or above it.
GRADES = ["A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F"]
GRADE_CHOICES = [("", "—")] + [(g, g) for g in GRADES]

# The kind of activity whose rule (value, per unit, caps) applies to each type of petition.
TYPE_KIND = {
    Petition.Type.COLLEGE: Kind.COLLEGE,
    Petition.Type.NCCA: Kind.BROADENING,
}


def kind_for(petition_type: str) -> str:
    return TYPE_KIND.get(petition_type, Kind.PETITION)


def grade_meets(grade: str, minimum: str) -> bool:
    if not minimum:
        return True
    if grade not in GRADES or minimum not in GRADES:
        return False
    return GRADES.index(grade) <= GRADES.index(minimum)


def rule_for(certifier: Certifier, petition_type: str) -> KindRule | None:
    return KindRule.objects.filter(certifier=certifier, kind=kind_for(petition_type)).first()


def cap_for(rule: KindRule | None, *, petition_type: str, is_prep_course: bool) -> Decimal | None:
    """The most one petition of this type may award, or None when the rule sets no limit."""
    if rule is None:
        return None
    caps = [rule.entry_cap]
    if petition_type == Petition.Type.COLLEGE and is_prep_course:
        caps.append(rule.prep_course_cap)
    if rule.value is not None and not rule.per_unit:
        # A fixed-value activity (e.g. 0.5 for another NCCA certification) is worth that much.
        caps.append(rule.value)
    caps = [c for c in caps if c is not None]
    return min(caps) if caps else None


def unit_of(certifier: Certifier | None) -> str:
    return certifier.credit_unit if certifier else "CEC"


@dataclass
class Assessment:
    """What the rules say about one request; `errors` maps form field names to messages."""

    cycles: list[tuple[Certification, Cycle]] = field(default_factory=list)
    certifier: Certifier | None = None
    rule: KindRule | None = None
    suggested: Decimal | None = None
    cap: Decimal | None = None
    credit: Decimal | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str):
        self.errors.setdefault(name, []).append(message)

    @property
    def certification(self) -> Certification | None:
        return self.cycles[0][0] if self.cycles else None

    @property
    def unit(self) -> str:
        return unit_of(self.certifier)


def describe_cycle(certification: Certification, cycle: Cycle) -> str:
    return f"{certification.program} — cycle {cycle.starts_on:%m/%d/%Y} to {cycle.ends_on:%m/%d/%Y}"


def assess_request(
    *,
    user,
    petition_type: str,
    completion_date: datetime.date | None,
    contact_hours: Decimal | None = None,
    credit_hours: Decimal | None = None,
    grade: str = "",
    is_prep_course: bool = False,
    credit_requested: Decimal | None = None,
) -> Assessment:
    """Check a request against the professional's cycles and the certifier's rule."""
    result = Assessment()
    is_college = petition_type == Petition.Type.COLLEGE
    if completion_date is not None:
        if completion_date > timezone.localdate():
            result.add("completion_date", "The course must already be completed.")
        else:
            result.cycles = current_cycles_on(user, completion_date)
            if not result.cycles:
                result.add(
                    "completion_date",
                    "This date is not inside a current cycle of any of your certifications; "
                    "a course counts only toward the cycle in which it was completed.",
                )
    if result.cycles:
        result.certifier = result.certification.program.certifier
        result.rule = rule_for(result.certifier, petition_type)
        if result.rule is not None and not result.rule.allowed:
            result.add(
                "type",
                f"{result.certifier} does not accept this kind of activity for renewal.",
            )

    if is_college:
        if credit_hours is None:
            result.add("credit_hours", "Enter the college credit hours.")
        if not grade:
            result.add("grade", "Enter your grade.")
        elif result.rule is not None and not grade_meets(grade, result.rule.min_grade):
            result.add(
                "grade",
                f"A college course counts only with a grade of {result.rule.min_grade} or better.",
            )
    elif petition_type and petition_type != Petition.Type.NCCA and contact_hours is None:
        result.add("contact_hours", "Enter the contact hours.")

    if result.certifier is not None:
        result.cap = cap_for(
            result.rule, petition_type=petition_type, is_prep_course=is_college and is_prep_course
        )
        suggestion = suggested_credit(
            certifier=result.certifier,
            kind=kind_for(petition_type),
            contact_hours=None if is_college else contact_hours,
            credit_hours=credit_hours if is_college else None,
            grade=grade if is_college else "",
            is_prep_course=is_college and is_prep_course,
        )
        if suggestion:
            if result.cap is not None:
                suggestion = min(suggestion, result.cap)
            result.suggested = suggestion

    result.credit = credit_requested if credit_requested is not None else result.suggested
    if result.credit is None:
        if result.certifier is not None and "credit_requested" not in result.errors:
            result.add("credit_requested", "Enter the credit you ask for.")
    elif result.credit <= 0:
        result.add("credit_requested", "The credit must be more than zero.")
    elif result.cap is not None and result.credit > result.cap:
        result.add("credit_requested", cap_message(result.cap, petition_type, is_prep_course))
    return result


def cap_message(cap: Decimal, petition_type: str, is_prep_course: bool, unit: str = "CEC") -> str:
    if petition_type == Petition.Type.COLLEGE:
        what = "a certification-prep course" if is_prep_course else "a college course"
    else:
        what = f"a petition of type “{Petition.Type(petition_type).label}”"
    return f"At most {cap} {unit}s may be awarded for {what}."


def counts_toward(petition: Petition) -> list[Certification]:
    """Every certification the petition's credit counts toward.

    A credit counts toward each certification of the same certifier whose current cycle holds
    its completion date, not only the one the petition was filed against.
    """
    if petition.certification_id is None:
        return []
    certifier_id = petition.certification.program.certifier_id
    shared = [
        certification
        for certification, _cycle in current_cycles_on(petition.user, petition.completion_date)
        if certification.program.certifier_id == certifier_id
    ]
    return shared or [petition.certification]
