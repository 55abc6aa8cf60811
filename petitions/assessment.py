"""Assessing a petition request: the cycle it counts toward, the suggested credit, the caps.

Every answer comes from the rules package (`tracker.rules`) over the certifier's rule data, so
another certifier needs no new code. `assess_request` is used by the form (to say what is
wrong), by the preview (to say which cycle and how much) and by `petition_submit`.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from tracker import rulebook, rules
from tracker.models import Certification, Cycle
from tracker.selectors import current_cycles_on

from .models import Petition

GRADE_CHOICES = [("", "—")] + [(g, g) for g in rules.GRADES]


def kind_for(petition_type: str) -> str:
    return rules.petition_kind(petition_type)


def grade_meets(grade: str, minimum: str) -> bool:
    return rules.grade_at_least(grade, minimum)


@dataclass
class Assessment:
    """What the rules say about one request; `errors` maps form field names to messages."""

    cycles: list[tuple[Certification, Cycle]] = field(default_factory=list)
    certifier: rules.Certifier | None = None
    rule: rules.ActivityRule | None = None
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
        return self.certifier.unit.plural if self.certifier else "CECs"


def describe_cycle(certification: Certification, cycle: Cycle) -> str:
    return f"{certification.program} — cycle {cycle.starts_on:%m/%d/%Y} to {cycle.ends_on:%m/%d/%Y}"


def _find_cycles(result: Assessment, user, completion_date, petition_type, certifier_id) -> None:
    """Which certifier the petition is for, the current cycles of its certifications that hold
    the date (the credit counts toward each), and the certifier's rule for the type.

    `certifier_id` is the one the person chose; without it, the first certifier (of the cycles
    holding the date) that takes petitions for this kind of activity."""
    if completion_date is None:
        return
    if completion_date > timezone.localdate():
        result.add("completion_date", "The course must already be completed.")
        return
    cycles = current_cycles_on(user, completion_date)
    if not cycles:
        result.add(
            "completion_date",
            "This date is not inside a current cycle of any of your certifications; "
            "a course counts only toward the cycle in which it was completed.",
        )
        return
    holding = list(dict.fromkeys(c.program.certifier_id for c, _ in cycles))
    certifiers = rulebook.certifiers_data(set(holding))
    kind = kind_for(petition_type)
    if certifier_id is not None and certifier_id not in holding:
        names = ", ".join(str(c.program) for c, _ in cycles)
        result.add(
            "completion_date",
            "This date is not inside a current cycle of your certifications from the certifier "
            f"you chose; it is inside a cycle of: {names}.",
        )
        return
    if certifier_id is None:
        takes = [i for i in holding if certifiers[i].rules_on(completion_date).activity(kind)]
        certifier_id = (takes or holding)[0]
    result.cycles = [(c, cy) for c, cy in cycles if c.program.certifier_id == certifier_id]
    result.certifier = certifiers[certifier_id]
    result.rule = result.certifier.rules_on(completion_date).activity(kind)
    if result.rule is None:
        result.add(
            "type", f"{result.certifier.code} does not take petitions for this kind of activity."
        )


def _check_details(result: Assessment, petition_type, contact_hours, credit_hours, grade):
    """What the type needs: college hours and a grade good enough, or contact hours."""
    if petition_type == Petition.Type.COLLEGE:
        if credit_hours is None:
            result.add("credit_hours", "Enter the college credit hours.")
        if not grade:
            result.add("grade", "Enter your grade.")
        elif result.rule is not None and not rules.grade_at_least(grade, result.rule.min_grade):
            result.add(
                "grade",
                f"A college course counts only with a grade of {result.rule.min_grade} or better.",
            )
    elif petition_type and petition_type != Petition.Type.NCCA and contact_hours is None:
        result.add("contact_hours", "Enter the contact hours.")


def _check_credit(result: Assessment, credit_requested, petition_type, is_prep_course):
    result.credit = credit_requested if credit_requested is not None else result.suggested
    if result.credit is None:
        if result.certifier is not None and "credit_requested" not in result.errors:
            result.add("credit_requested", "Enter the credit you ask for.")
    elif result.credit <= 0:
        result.add("credit_requested", "The credit must be more than zero.")
    elif result.cap is not None and result.credit > result.cap:
        result.add(
            "credit_requested",
            rules.petition_cap_message(result.certifier, result.cap, petition_type, is_prep_course),
        )


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
    certifier_id: int | None = None,
) -> Assessment:
    """Check a request against the professional's cycles and the certifier's rule (the
    certifier chosen, or the first that takes the kind: `_find_cycles`)."""
    result = Assessment()
    is_college = petition_type == Petition.Type.COLLEGE
    _find_cycles(result, user, completion_date, petition_type, certifier_id)
    _check_details(result, petition_type, contact_hours, credit_hours, grade)
    if result.certifier is not None and result.rule is not None:
        prep = is_college and is_prep_course
        kind = kind_for(petition_type)
        result.cap = rules.petition_limit(
            result.certifier, kind, completion_date, is_prep_course=prep
        )
        result.suggested = rules.suggested_credit(
            result.certifier,
            kind,
            completion_date,
            contact_hours=None if is_college else contact_hours,
            credit_hours=credit_hours if is_college else None,
            grade=grade if is_college else "",
            is_prep_course=prep,
        )
    _check_credit(result, credit_requested, petition_type, is_prep_course)
    return result


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
