"""Properties of `rules.evaluate` over random ledgers and random (valid) rule sets.

Whatever the ledger and the caps: the total never exceeds what the entries claim, no category
passes its cap per cycle (a band's included) or per year, a new entry never lowers a total, the
order of the ledger does not matter, and a closed cycle keeps its result whatever the rules
become.
"""

import datetime
from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import rules
from tracker.rules import (
    ActivityRule,
    Category,
    CertificationData,
    Certifier,
    CprCardData,
    CprWindow,
    CycleKind,
    EntryData,
    ProrationBand,
    RuleSet,
    Unit,
)

BOUNDED = settings(max_examples=200, deadline=None)

ME, OTHER = 1, 2
CATEGORIES = ("a", "b", "c", "d")
KINDS = (
    "approved_course",
    "conference",
    "live_event",
    "cpr_aed",
    "college",
    "presenting",
    "mentoring",
    "quiz",
    "petition",
    "extra_certification",
)
START = datetime.date(2024, 1, 1)
TODAY = datetime.date(2025, 6, 1)
CARDS = [CprCardData(1, datetime.date(2023, 1, 1), datetime.date(2030, 1, 1))]
UNIT = Unit("CEC", "CECs", Decimal(10))


def tenths(low=0, high=60):
    return st.integers(low, high).map(lambda n: Decimal(n) / 10)


@st.composite
def bands(draw, months=36):
    """A pro-rating table that tiles the period: a row for "before", then rows from month 0."""
    cuts = sorted(draw(st.sets(st.integers(1, months - 1), max_size=4)))
    edges = [0, *cuts, months]
    rows = [(None, 0)] + list(zip(edges, edges[1:], strict=False))
    return tuple(
        ProrationBand(
            start,
            end,
            draw(tenths(0, 60)),
            {code: draw(tenths(0, 40)) for code in draw(st.sets(st.sampled_from(CATEGORIES)))},
        )
        for start, end in rows
    )


def digits(number: int, *sizes: int) -> list[int]:
    """`number` written in the mixed base `sizes` (one draw decoded into several fields)."""
    out = []
    for size in sizes:
        number, value = divmod(number, size)
        out.append(value)
    return out


def optional_tenths(value: int) -> Decimal | None:
    """0 → None (no cap), n → (n - 1) tenths."""
    return None if value == 0 else Decimal(value - 1) / 10


def category(code: str, number: int) -> Category:
    cycle_cap, year_cap, min_share, distinct = digits(number, 42, 32, 12, 2)
    return Category(
        code,
        f"Category {code}",
        cycle_cap=optional_tenths(cycle_cap),
        year_cap=optional_tenths(year_cap),
        min_share=optional_tenths(min_share),
        counts_as_distinct=bool(distinct),
    )


def activity(kind: str, number: int) -> ActivityRule | None:
    present, category_index, entry_cap, prep_cap, grade = digits(number, 3, 4, 31, 11, 3)
    if not present:
        return None
    return ActivityRule(
        kind,
        CATEGORIES[category_index],
        entry_cap=None if entry_cap == 0 else Decimal(entry_cap) / 10,
        prep_course_cap=None if prep_cap == 0 else Decimal(prep_cap) / 10,
        min_grade=("", "C", "B")[grade],
    )


@st.composite
def rule_sets(draw, fixed=False):
    categories = tuple(
        category(code, draw(st.integers(0, 42 * 32 * 12 * 2 - 1))) for code in CATEGORIES
    )
    activities = {}
    for kind in KINDS:
        rule = activity(kind, draw(st.integers(0, 3 * 4 * 31 * 11 * 3 - 1)))
        if rule is not None:
            activities[kind] = rule
    return RuleSet(
        id=draw(st.integers(1, 1000)),
        effective_from=datetime.date(2000, 1, 1),
        required=draw(tenths(0, 60)),
        grace_months=draw(st.integers(0, 12)),
        cpr_window=draw(st.sampled_from(list(CprWindow))),
        cpr_days_after=draw(st.integers(0, 60)),
        min_categories=draw(st.integers(0, 3)),
        categories=categories,
        activities=activities,
        bands=draw(bands()) if fixed else (),
    )


@st.composite
def certifiers(draw):
    fixed = draw(st.booleans())
    return Certifier(
        id=ME,
        code="ME",
        name="A certifier",
        unit=UNIT,
        cycle_kind=CycleKind.FIXED if fixed else CycleKind.ANCHORED,
        cycle_months=36 if fixed else 24,
        fixed_start=START if fixed else None,
        rule_sets=(draw(rule_sets(fixed=fixed)),),
    )


GRADES = ("A", "C", "D", "")
# One entry is drawn as one integer, decoded field by field (kind, date, claims, course …):
# forty entries then cost forty draws, and shrinking the integer simplifies the entry.
FIELDS = (
    ("kind", len(KINDS)),
    ("day", 831),  # from 30 days before START to 800 days after
    ("mine", 10),  # 0: no claim here
    ("credit", 30),
    ("category", len(CATEGORIES)),
    ("other", 30),  # 0: no claim for the other certifier
    ("course", 6),  # 0: no course
    ("grade", len(GRADES)),
    ("prep", 2),
)
SPACE = 1
for _, size in FIELDS:
    SPACE *= size


def decode(entry_id: int, number: int) -> EntryData:
    values = {}
    for name, size in FIELDS:
        number, values[name] = divmod(number, size)
    claims = []
    if values["mine"]:
        credit = Decimal(values["credit"] + 1) / 10
        claims.append(rules.Claim(ME, credit, CATEGORIES[values["category"]]))
    if values["other"]:
        claims.append(rules.Claim(OTHER, Decimal(values["other"]) / 10, "a"))
    return EntryData(
        id=entry_id,
        kind=KINDS[values["kind"]],
        completion_date=START + datetime.timedelta(days=values["day"] - 30),
        claims=tuple(claims),
        course_id=values["course"] or None,
        grade=GRADES[values["grade"]],
        is_prep_course=bool(values["prep"]),
    )


def entries(entry_id):
    return st.integers(0, SPACE - 1).map(lambda number: decode(entry_id, number))


def ledgers(min_size=1, max_size=40):
    return st.lists(st.integers(0, SPACE - 1), min_size=min_size, max_size=max_size).map(
        lambda numbers: [decode(i, n) for i, n in enumerate(numbers, start=1)]
    )


def certification(certifier, earned_on=START):
    first = replace(rules.first_cycle(certifier, earned_on), id=1)
    return CertificationData(1, ME, 10, "My certification", earned_on, (first,))


earned_dates = st.integers(-400, 900).map(lambda d: START + datetime.timedelta(days=d))


def result_of(certifier, certification_data, ledger):
    (result,) = rules.evaluate(
        certifications=[certification_data],
        entries=ledger,
        cpr_cards=CARDS,
        certifiers={ME: certifier},
        today=TODAY,
    )
    return result


def signature(result):
    return (
        [(c.entry.id, c.credit, c.category, c.note) for c in result.counted],
        [(n.entry.id, n.reason) for n in result.not_counted],
        result.total,
        result.required,
        dict(result.category_totals),
        result.shortfalls,
        result.met,
        result.status,
    )


@BOUNDED
@given(certifiers(), ledgers(), earned_dates)
def test_totals_stay_within_the_claims_and_every_cap(certifier, ledger, earned_on):
    data = certification(certifier, earned_on)
    result = result_of(certifier, data, ledger)
    the_cycle = data.cycles[0]
    claimed = sum(
        (
            e.claim_for(ME).credit
            for e in ledger
            if e.claim_for(ME) is not None and the_cycle.holds(e.completion_date)
        ),
        Decimal(0),
    )
    assert result.total <= claimed
    assert result.total == sum((c.credit for c in result.counted), Decimal(0))
    assert all(c.credit > 0 for c in result.counted)
    required, caps = rules.requirement(certifier, earned_on, the_cycle)
    assert result.required == required
    for code, total in result.category_totals.items():
        if code in caps:
            assert total <= caps[code]
    rule_set = certifier.rule_sets[0]
    by_year: dict[tuple[str, int], Decimal] = {}
    for counted in result.counted:
        key = (counted.category, counted.entry.completion_date.year)
        by_year[key] = by_year.get(key, Decimal(0)) + counted.credit
    for (code, _), total in by_year.items():
        year_cap = rule_set.category(code).year_cap
        assert year_cap is None or total <= year_cap
    if result.met:
        assert result.total >= result.required and result.shortfalls == ()
    assert result.remaining == max(result.required - result.total, Decimal(0))
    # Every entry of the cycle with a claim here is either counted or said why not.
    seen = {c.entry.id for c in result.counted} | {n.entry.id for n in result.not_counted}
    for e in ledger:
        if e.claim_for(ME) is not None and the_cycle.holds(e.completion_date):
            assert e.id in seen


@BOUNDED
@given(certifiers(), ledgers(max_size=39), st.data())
def test_adding_an_entry_never_lowers_a_total(certifier, ledger, data):
    extra = data.draw(entries(len(ledger) + 1))
    extra = replace(extra, course_id=None if extra.course_id is None else 1000)  # a new course
    cert = certification(certifier)
    before = result_of(certifier, cert, ledger)
    after = result_of(certifier, cert, [*ledger, extra])
    assert after.total >= before.total
    for code, total in before.category_totals.items():
        assert after.category_totals.get(code, Decimal(0)) >= total


@BOUNDED
@given(certifiers(), ledgers(), st.randoms(use_true_random=False))
def test_the_order_of_the_ledger_does_not_matter(certifier, ledger, random):
    shuffled = list(ledger)
    random.shuffle(shuffled)
    cert = certification(certifier)
    assert signature(result_of(certifier, cert, shuffled)) == signature(
        result_of(certifier, cert, ledger)
    )


@BOUNDED
@given(certifiers(), ledgers(), rule_sets(), rule_sets())
def test_a_closed_cycle_keeps_its_result_whatever_the_rules_become(
    certifier, ledger, later, later_still
):
    cert = certification(certifier)
    open_result = result_of(certifier, cert, ledger)
    (the_cycle,) = cert.cycles
    closed = replace(the_cycle, renewed_on=TODAY, frozen=rules.freeze(open_result))
    closed_cert = replace(cert, cycles=(closed,))
    results = [
        result_of(replace(certifier, rule_sets=(rule_set,)), closed_cert, ledger)
        for rule_set in (certifier.rule_sets[0], later, later_still)
    ]
    assert results[0] == results[1] == results[2]
    kept = results[0]
    assert kept.status == rules.Status.RENEWED and not kept.can_renew
    assert signature(kept)[:7] == signature(open_result)[:7]
    assert (kept.cpr_ok, kept.grace_ends_on) == (open_result.cpr_ok, open_result.grace_ends_on)
