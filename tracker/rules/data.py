"""The rule model and the ledger, as plain frozen dataclasses (no Django, no database).

`tracker.selectors` maps rows to these; every number in them is data an admin edits. Credit is
always a `Decimal` in the certifier's own unit, counted in tenths.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

TENTH = Decimal("0.1")
ZERO = Decimal("0.0")

# --- The vocabulary of activities ------------------------------------------------------------
# What a person can do to earn credit. This is the shape of a form (a course number, a card, a
# college transcript …), not a rule: which of them count, in which category and for how much is
# each certifier's data (ActivityRule). Spelled as tracker.models.Kind stores them.
APPROVED_COURSE = "approved_course"
CONFERENCE = "conference"
LIVE_EVENT = "live_event"  # a course or event outside the catalog, by its contact hours
CPR_AED = "cpr_aed"
FIRST_AID = "first_aid"
COLLEGE = "college"
EXTRA_CERTIFICATION = "extra_certification"  # another certification of the same certifier
BROADENING = "broadening"  # a certification from another (NCCA-accredited) certifier
PRESENTING = "presenting"
PUBLISHING = "publishing"
MENTORING = "mentoring"
VOLUNTEERING = "volunteering"
QUIZ = "quiz"
PETITION = "petition"

KIND_LABELS = {
    APPROVED_COURSE: "Approved course",
    CONFERENCE: "Conference",
    LIVE_EVENT: "Other course or live event",
    CPR_AED: "CPR/AED renewal",
    FIRST_AID: "First Aid / AED renewal",
    COLLEGE: "College course",
    EXTRA_CERTIFICATION: "Extra certification",
    BROADENING: "Certification from another NCCA-accredited certifier",
    PRESENTING: "Presenting",
    PUBLISHING: "Publishing",
    MENTORING: "Mentoring / community outreach",
    VOLUNTEERING: "Volunteering (committee work)",
    QUIZ: "Journal or video quiz",
    PETITION: "Approved petition",
}
# Kinds whose credit comes from a catalog course and the certifiers' approvals of it.
COURSE_KINDS = frozenset({APPROVED_COURSE, CONFERENCE})
# Kinds that credit every certifier whose rules take them (one CPR/AED card, one college
# course, one catalog course). The others are logged toward one chosen certifier.
SHARED_KINDS = frozenset({APPROVED_COURSE, CONFERENCE, LIVE_EVENT, CPR_AED, FIRST_AID, COLLEGE})

# Letter grades from best to worst; "C or better" means anything up to and including C.
GRADES = ("A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F")


class CycleKind(StrEnum):
    ANCHORED = "anchored"  # each person's own cycle, from their certification date
    FIXED = "fixed"  # the same calendar periods for everyone


class CycleEnd(StrEnum):
    END_OF_MONTH = "end_of_month"  # ACE: the last day of the month earned, N months on
    SAME_DAY = "same_day"  # the anniversary date, N months on
    END_OF_YEAR = "end_of_year"  # ACSM: December 31 of the year it falls due


class CprWindow(StrEnum):
    NONE = "none"  # not required
    DEADLINE = "deadline"  # current on the deadline (or, renewing late, on the day of renewal)
    SUBMISSION = "submission"  # valid at least `cpr_days_after` days past the day of renewal


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    READY = "ready"
    GRACE = "grace"
    LAPSED = "lapsed"
    RENEWED = "renewed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.ON_TRACK: "On track",
    Status.AT_RISK: "At risk",
    Status.READY: "Ready to renew",
    Status.GRACE: "In grace period",
    Status.LAPSED: "Lapsed",
    Status.RENEWED: "Renewed",
}


# --- Rules -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unit:
    singular: str  # "CEC"
    plural: str  # "CECs"
    hours_per_unit: Decimal  # ACE 10 (0.1 CEC = 1 contact hour); AFAA 1


@dataclass(frozen=True, slots=True)
class Category:
    """A category of activity defined by the certifier (ACE "Presenting", NSCA "A")."""

    code: str
    name: str
    cycle_cap: Decimal | None = None  # at most this much per cycle
    year_cap: Decimal | None = None  # at most this much per calendar year (of completion)
    min_share: Decimal | None = None  # at least this much of the requirement from here
    counts_as_distinct: bool = True  # counts toward the minimum number of categories


@dataclass(frozen=True, slots=True)
class ActivityRule:
    """What one kind of activity is worth toward one certifier, and where it counts."""

    kind: str
    category: str  # a Category.code of the same rule set
    value: Decimal | None = None  # a fixed credit for one activity (publishing 0.5)
    per_unit: Decimal | None = None  # per college credit hour, or per year of a CPR/AED card
    entry_cap: Decimal | None = None  # at most this much from one activity
    prep_course_cap: Decimal | None = None  # college: at most this for a certification-prep course
    min_grade: str = ""  # college: e.g. "C"
    # Course kinds: False when a catalog course counts by its contact hours even without this
    # certifier's approval (ACSM: courses in scope; NSCA category A: live events).
    needs_approval: bool = True
    # Courses: the category of a home-study course where it differs ("" for `category`).
    home_study_category: str = ""


@dataclass(frozen=True, slots=True)
class ProrationBand:
    """One row of a pro-rating table for fixed periods (NSCA): people certified in
    [from_month, to_month) months after the period starts need `required`, and each category
    at most `category_caps[code]`. from_month None: certified before the period started."""

    from_month: int | None
    to_month: int | None
    required: Decimal
    category_caps: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """One version of a certifier's rules. It applies to cycles starting on or after
    `effective_from` (until the next version's date)."""

    id: int | None
    effective_from: datetime.date
    required: Decimal
    grace_months: int = 0
    cpr_window: CprWindow = CprWindow.NONE
    cpr_days_after: int = 0
    min_categories: int = 0
    extra_certification_meets_requirement: bool = False
    categories: tuple[Category, ...] = ()
    activities: Mapping[str, ActivityRule] = field(default_factory=dict)
    bands: tuple[ProrationBand, ...] = ()

    def activity(self, kind: str) -> ActivityRule | None:
        return self.activities.get(kind)

    def category(self, code: str) -> Category | None:
        for category in self.categories:
            if category.code == code:
                return category
        return None


@dataclass(frozen=True, slots=True)
class Certifier:
    id: int
    code: str  # "ACE"
    name: str
    unit: Unit
    cycle_kind: CycleKind
    cycle_months: int
    cycle_end: CycleEnd = CycleEnd.END_OF_MONTH
    fixed_start: datetime.date | None = None  # fixed cycles: the first day of any one period
    at_risk_days: int = 90
    course_number_pattern: str = ""  # a regular expression, whole match, after normalising
    rule_sets: tuple[RuleSet, ...] = ()  # sorted by effective_from

    def rules_on(self, day: datetime.date) -> RuleSet:
        """The version in force for a cycle starting on `day` (the earliest, before any)."""
        chosen = self.rule_sets[0]
        for rule_set in self.rule_sets:
            if rule_set.effective_from <= day:
                chosen = rule_set
        return chosen


# --- A person's record -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FrozenResult:
    """What a cycle's evaluation said when it was renewed; a closed cycle keeps it forever."""

    total: Decimal
    required: Decimal
    counted: tuple[tuple[int, Decimal, str], ...]  # (entry id, credit, note)
    not_counted: tuple[tuple[int, str], ...]  # (entry id, reason)
    category_totals: Mapping[str, Decimal] = field(default_factory=dict)
    # Filled by `evaluate.freeze`, so that nothing shown for a closed cycle depends on the rules
    # as they are later. None (a snapshot without them): worked out from the current rules.
    met: bool | None = None
    shortfalls: tuple[str, ...] = ()
    cpr_required: bool | None = None
    cpr_ok: bool | None = None
    grace_ends_on: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class CycleData:
    id: int | None
    starts_on: datetime.date  # the first day credit counts (the earn window's start)
    ends_on: datetime.date  # the deadline
    renewed_on: datetime.date | None = None
    renewed_at: datetime.datetime | None = None
    frozen: FrozenResult | None = None
    # True when the renewal was recorded as done with the certifier, not checked here.
    renewed_outside: bool = False

    def holds(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def next_starts_on(self) -> datetime.date:
        """A renewal opens the next cycle the day after this one ends."""
        return self.ends_on + datetime.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class CertificationData:
    id: int
    certifier_id: int
    program_id: int
    name: str  # "ACE CPT"
    earned_on: datetime.date
    cycles: tuple[CycleData, ...]

    @property
    def current_cycle(self) -> CycleData | None:
        """The newest cycle not yet renewed."""
        open_cycles = [c for c in self.cycles if c.renewed_on is None]
        return max(open_cycles, key=lambda c: c.starts_on) if open_cycles else None


@dataclass(frozen=True, slots=True)
class Claim:
    """What one ledger entry is worth toward one certifier: posted by `credit.claims_for`."""

    certifier_id: int
    credit: Decimal
    category: str


@dataclass(frozen=True, slots=True)
class EntryData:
    id: int
    kind: str
    completion_date: datetime.date
    claims: tuple[Claim, ...] = ()
    course_id: int | None = None
    program_id: int | None = None
    cpr_card_id: int | None = None
    petition_id: int | None = None
    grade: str = ""
    is_prep_course: bool = False
    created_at: datetime.datetime | None = None
    label: str = ""

    def claim_for(self, certifier_id: int) -> Claim | None:
        for claim in self.claims:
            if claim.certifier_id == certifier_id:
                return claim
        return None

    @property
    def repeat_key(self) -> tuple | None:
        """What makes two entries "the same activity" for the no-repeats rule."""
        if self.course_id is not None:
            return ("course", self.course_id)
        if self.kind == EXTRA_CERTIFICATION and self.program_id is not None:
            return ("program", self.program_id)
        if self.kind in (CPR_AED, FIRST_AID) and self.cpr_card_id is not None:
            return ("cpr", self.cpr_card_id)
        if self.petition_id is not None:
            return ("petition", self.petition_id)
        return None


@dataclass(frozen=True, slots=True)
class CprCardData:
    id: int
    issued_on: datetime.date
    expires_on: datetime.date

    def current_on(self, day: datetime.date) -> bool:
        return self.issued_on <= day <= self.expires_on


# --- The facts of one activity, before it is posted ------------------------------------------


@dataclass(frozen=True, slots=True)
class Approval:
    """One certifier's approval of a catalog course (ACE: CA23456, 0.3 CEC)."""

    certifier_id: int
    number: str
    credit: Decimal | None  # in that certifier's unit; None: from the contact hours
    category: str = ""  # "" → the category of the certifier's rule for the kind
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class Activity:
    """What a person did, as typed or looked up: the input of `credit.claims_for`."""

    kind: str
    completion_date: datetime.date
    contact_hours: Decimal | None = None  # course, live event, or the sessions attended
    approvals: tuple[Approval, ...] = ()  # course kinds
    card_issued_on: datetime.date | None = None  # CPR/AED, First Aid
    card_expires_on: datetime.date | None = None
    credit_hours: Decimal | None = None  # college
    grade: str = ""
    is_prep_course: bool = False
    program_certifier_id: int | None = None  # extra certification: whose program it is
    certifier_id: int | None = None  # the one certifier a non-shared kind is logged toward
    stated_credit: Decimal | None = None  # presenting, mentoring …: in that certifier's unit
    course_label: str = ""  # "CA23456" for messages
    home_study: bool = False  # a course taken at home: its category may differ


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an activity gives a certifier nothing (None: refused for every certifier)."""

    certifier_id: int | None
    reason: str
    field: str = ""  # the form field the reason is about, when there is one


# --- Results ---------------------------------------------------------------------------------


# Built by the thousand on every evaluation: plain (not frozen) slots are quicker to make.
@dataclass(slots=True)
class Counted:
    entry: EntryData
    credit: Decimal
    category: str
    note: str = ""


@dataclass(slots=True)
class NotCounted:
    entry: EntryData
    reason: str


@dataclass(frozen=True, slots=True)
class CycleResult:
    certification: CertificationData
    cycle: CycleData
    is_current: bool
    counted: tuple[Counted, ...]
    not_counted: tuple[NotCounted, ...]
    total: Decimal
    required: Decimal
    remaining: Decimal
    category_totals: Mapping[str, Decimal]
    shortfalls: tuple[str, ...]  # what, besides the total, the requirement still lacks
    met: bool
    deadline: datetime.date
    days_left: int
    grace_ends_on: datetime.date
    cpr_required: bool
    cpr_ok: bool
    status: Status
    can_renew: bool
    unit: Unit

    @property
    def percent(self) -> int:
        if self.required <= 0:
            return 100
        return min(100, int(self.total * 100 / self.required))

    @property
    def days_past(self) -> int:
        """Days since the deadline (0 until it passes)."""
        return max(-self.days_left, 0)

    @property
    def is_closed(self) -> bool:
        return self.cycle.renewed_on is not None
