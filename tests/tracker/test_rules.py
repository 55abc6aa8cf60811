"""The renewal rules, each case computed by hand (pure: no database)."""

import datetime
from decimal import Decimal

import pytest

from tracker import rules
from tracker.rules import (
    CertificationData,
    CertifierRules,
    CprCardData,
    CycleData,
    EntryData,
    KindRuleData,
    Status,
)

D = Decimal
ACE = 1
NSCA = 2
CPT = 10  # ACE Certified Personal Trainer
GFI = 11  # ACE Group Fitness Instructor
HC = 12  # ACE Health Coach
CSCS = 20  # the second certifier's program


def day(text):
    return datetime.date.fromisoformat(text)


def ace_rules(**overrides):
    kinds = {
        "approved_course": KindRuleData("approved_course"),
        "conference": KindRuleData("conference"),
        "cpr_aed": KindRuleData("cpr_aed", per_unit=D("0.2")),
        "college": KindRuleData(
            "college",
            per_unit=D("1.0"),
            entry_cap=D("2.0"),
            prep_course_cap=D("0.5"),
            min_grade="C",
        ),
        "extra_certification": KindRuleData("extra_certification", meets_requirement=True),
        "presenting": KindRuleData("presenting", cycle_cap=D("0.5")),
        "broadening": KindRuleData("broadening", value=D("0.5")),
        "publishing": KindRuleData("publishing", value=D("0.5")),
        "mentoring": KindRuleData("mentoring", cycle_cap=D("0.1")),
        "petition": KindRuleData("petition"),
    }
    values = dict(
        id=ACE,
        code="ACE",
        credit_unit="CEC",
        contact_hours_per_unit=D("10"),
        cycle_months=24,
        cycle_anchor="earned",
        credits_required=D("2.0"),
        cpr_required=True,
        grace_months=6,
        at_risk_days=90,
        kinds=kinds,
    )
    values.update(overrides)
    return CertifierRules(**values)


def nsca_rules(prorate=True):
    """A second certifier, described by data only: fixed 3-year cycles, 1 credit = 1 hour."""
    return CertifierRules(
        id=NSCA,
        code="NSCA",
        credit_unit="CEU",
        contact_hours_per_unit=D("1"),
        cycle_months=36,
        cycle_anchor="fixed",
        fixed_cycle_start=day("2024-01-01"),
        prorate_first_cycle=prorate,
        credits_required=D("45.0"),
        cpr_required=False,
        grace_months=3,
        at_risk_days=60,
        kinds={
            "approved_course": KindRuleData("approved_course"),
            "presenting": KindRuleData("presenting", cycle_cap=D("10.0")),
            "cpr_aed": KindRuleData("cpr_aed", value=D("2.0")),
            "college": KindRuleData("college", per_unit=D("15.0"), min_grade="B"),
        },
    )


def cert(cert_id, program, earned, *cycles, certifier=ACE, name="ACE CPT"):
    if not cycles:
        r = ace_rules() if certifier == ACE else nsca_rules()
        first = rules.first_cycle(r, day(earned))
        cycles = (CycleData(cert_id * 100, first.starts_on, first.ends_on, first.credits_required),)
    return CertificationData(cert_id, certifier, program, name, day(earned), tuple(cycles))


def cycle(cycle_id, start, end, required="2.0", renewed=None):
    renewed_at = moment(renewed) if renewed else None
    return CycleData(
        cycle_id, day(start), day(end), D(required), day(renewed) if renewed else None, renewed_at
    )


def moment(text, hour=12):
    return datetime.datetime.combine(day(text), datetime.time(hour), tzinfo=datetime.UTC)


_ids = iter(range(1, 100_000))


def entry(date, credit, kind="approved_course", **extra):
    extra.setdefault("certifier_id", ACE)
    return EntryData(next(_ids), kind, day(date), D(credit), **extra)


def card(issued, expires, card_id=1):
    return CprCardData(card_id, day(issued), day(expires))


GOOD_CARD = card("2025-01-10", "2027-12-31")


def evaluate(certs, entries, *, today, cards=(GOOD_CARD,), rules_by=None):
    return rules.evaluate(
        certifications=certs,
        entries=entries,
        cpr_cards=list(cards),
        rules=rules_by or {ACE: ace_rules(), NSCA: nsca_rules()},
        today=day(today),
    )


def only(results, cert_id=None):
    found = [
        r for r in results if r.is_current and (cert_id is None or r.certification.id == cert_id)
    ]
    assert len(found) == 1
    return found[0]


def credits(result):
    return [(c.entry.completion_date.isoformat(), c.credit) for c in result.counted]


# --- Cycle windows --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("earned", "start", "end"),
    [
        ("2025-03-15", "2025-03-15", "2027-03-31"),  # the example in the brief
        ("2025-03-01", "2025-03-01", "2027-03-31"),
        ("2025-03-31", "2025-03-31", "2027-03-31"),
        ("2024-02-29", "2024-02-29", "2026-02-28"),  # leap day: February's last day two years on
        ("2025-12-05", "2025-12-05", "2027-12-31"),
    ],
)
def test_first_cycle_ends_on_the_last_day_of_the_month_two_years_on(earned, start, end):
    first = rules.first_cycle(ace_rules(), day(earned))
    assert (first.starts_on, first.ends_on) == (day(start), day(end))
    assert first.credits_required == D("2.0")


def test_next_cycle_starts_the_day_after_the_old_end():
    first = rules.first_cycle(ace_rules(), day("2025-03-15"))
    second = rules.next_cycle(ace_rules(), first)
    third = rules.next_cycle(ace_rules(), second)
    assert (second.starts_on, second.ends_on) == (day("2027-04-01"), day("2029-03-31"))
    assert (third.starts_on, third.ends_on) == (day("2029-04-01"), day("2031-03-31"))


def test_cycle_length_is_data():
    first = rules.first_cycle(ace_rules(cycle_months=12), day("2025-03-15"))
    assert first.ends_on == day("2026-03-31")


# --- Boundaries, carry-over, repeats --------------------------------------------------------


def test_first_and_last_day_of_the_cycle_count_and_the_days_outside_do_not():
    c = cert(1, CPT, "2025-03-15")  # 03/15/2025 – 03/31/2027
    entries = [
        entry("2025-03-14", "0.5"),  # the day before: outside
        entry("2025-03-15", "0.3"),  # first day
        entry("2027-03-31", "0.4"),  # last day
        entry("2027-04-01", "0.6"),  # the day after: outside
    ]
    result = only(evaluate([c], entries, today="2027-03-31"))
    assert credits(result) == [("2025-03-15", D("0.3")), ("2027-03-31", D("0.4"))]
    assert result.total == D("0.7")
    assert result.remaining == D("1.3")
    assert result.not_counted == ()
    nowhere = rules.counts_nowhere(entries, [c])
    assert [n.entry.completion_date.isoformat() for n in nowhere] == ["2025-03-14", "2027-04-01"]


def test_no_carry_over_beyond_the_requirement():
    # Cycle 1 earned 2.6 (0.6 more than needed); none of it reaches cycle 2.
    c = cert(
        1,
        CPT,
        "2023-03-15",
        cycle(1, "2023-03-15", "2025-03-31", renewed="2025-02-01"),
        cycle(2, "2025-04-01", "2027-03-31"),
    )
    entries = [entry("2024-05-01", "1.3"), entry("2024-06-01", "1.3", course_id=7)]
    results = evaluate([c], entries, today="2025-06-01")
    past = next(r for r in results if r.cycle.id == 1)
    current = only(results)
    assert past.total == D("2.6") and past.status == Status.RENEWED
    assert current.total == D("0.0")
    assert current.remaining == D("2.0")


def test_the_same_course_counts_once_per_cycle():
    c = cert(1, CPT, "2025-03-15")
    first = entry("2025-05-01", "0.3", course_id=42)
    again = entry("2026-01-10", "0.3", course_id=42)
    other = entry("2026-02-10", "0.3", course_id=43)
    result = only(evaluate([c], [again, first, other], today="2026-03-01"))
    assert credits(result) == [("2025-05-01", D("0.3")), ("2026-02-10", D("0.3"))]
    assert result.total == D("0.6")
    (skipped,) = result.not_counted
    assert skipped.entry == again
    assert "Already counted in this cycle" in skipped.reason
    assert "05/01/2025" in skipped.reason


def test_the_same_course_in_two_different_cycles_counts_in_each():
    c = cert(
        1,
        CPT,
        "2023-03-15",
        cycle(1, "2023-03-15", "2025-03-31", renewed="2025-03-01"),
        cycle(2, "2025-04-01", "2027-03-31"),
    )
    entries = [entry("2024-05-01", "0.3", course_id=42), entry("2025-05-01", "0.3", course_id=42)]
    results = evaluate([c], entries, today="2025-06-01")
    assert [r.total for r in results] == [D("0.3"), D("0.3")]


# --- Caps and values per kind ---------------------------------------------------------------


def test_presenting_is_capped_at_half_a_cec_per_cycle():
    c = cert(1, CPT, "2025-03-15")
    entries = [
        entry("2025-04-01", "0.3", "presenting"),
        entry("2025-05-01", "0.3", "presenting"),  # only 0.2 of it fits
        entry("2025-06-01", "0.1", "presenting"),  # nothing left
    ]
    result = only(evaluate([c], entries, today="2025-07-01"))
    assert credits(result) == [("2025-04-01", D("0.3")), ("2025-05-01", D("0.2"))]
    assert "0.2 of 0.3 counts" in result.counted[1].note
    assert result.total == D("0.5")
    (capped,) = result.not_counted
    assert "cap of 0.5 CEC per cycle" in capped.reason


def test_mentoring_is_capped_at_a_tenth_per_cycle_and_caps_are_per_kind():
    c = cert(1, CPT, "2025-03-15")
    entries = [
        entry("2025-04-01", "0.1", "mentoring"),
        entry("2025-05-01", "0.1", "mentoring"),
        entry("2025-06-01", "0.5", "presenting"),
    ]
    result = only(evaluate([c], entries, today="2025-07-01"))
    assert result.total == D("0.6")  # 0.1 mentoring + 0.5 presenting
    assert len(result.not_counted) == 1


def test_caps_are_per_cycle_not_per_certification():
    c = cert(
        1,
        CPT,
        "2023-03-15",
        cycle(1, "2023-03-15", "2025-03-31", renewed="2025-03-01"),
        cycle(2, "2025-04-01", "2027-03-31"),
    )
    entries = [entry("2024-04-01", "0.5", "presenting"), entry("2025-05-01", "0.5", "presenting")]
    results = evaluate([c], entries, today="2025-06-01")
    assert [r.total for r in results] == [D("0.5"), D("0.5")]


@pytest.mark.parametrize(
    ("issued", "expires", "expected"),
    [
        ("2025-01-10", "2026-01-10", "0.2"),  # one-year card
        ("2025-01-10", "2026-01-09", "0.2"),
        ("2025-01-10", "2027-01-10", "0.4"),  # two-year card
        ("2025-01-10", "2027-01-09", "0.4"),
    ],
)
def test_cpr_aed_renewal_is_worth_a_fifth_per_year_of_card(issued, expires, expected):
    rule = ace_rules().kind("cpr_aed")
    assert rules.cpr_credit(rule, day(issued), day(expires)) == D(expected)


@pytest.mark.parametrize(
    ("hours", "grade", "prep", "expected"),
    [
        ("1", "C", False, "1.0"),  # 1.0 per credit hour, C is enough
        ("1.5", "B", False, "1.5"),
        ("3", "A", False, "2.0"),  # at most 2.0 from one course
        ("3", "A", True, "0.5"),  # a certification-prep course: at most 0.5
        ("3", "C-", False, "0.0"),  # below C: nothing
        ("3", "D", False, "0.0"),
    ],
)
def test_college_credit(hours, grade, prep, expected):
    got = rules.suggested_credit(
        ace_rules(), "college", credit_hours=D(hours), grade=grade, is_prep_course=prep
    )
    assert got == D(expected)


def test_college_entries_below_the_grade_or_above_the_cap_in_the_ledger():
    c = cert(1, CPT, "2025-03-15")
    entries = [
        entry("2025-04-01", "3.0", "college", grade="A"),  # stored 3.0, counts 2.0
        entry("2025-05-01", "1.0", "college", grade="D"),
        entry("2025-06-01", "1.0", "college", grade="B", is_prep_course=True),  # 0.5
    ]
    result = only(evaluate([c], entries, today="2025-07-01"))
    assert credits(result) == [("2025-04-01", D("2.0")), ("2025-06-01", D("0.5"))]
    assert "grade of C or better" in result.not_counted[0].reason


def test_fixed_values_and_contact_hours():
    r = ace_rules()
    assert rules.suggested_credit(r, "broadening") == D("0.5")
    assert rules.suggested_credit(r, "publishing") == D("0.5")
    assert rules.suggested_credit(r, "petition", contact_hours=D("5")) == D("0.5")
    assert rules.suggested_credit(r, "petition", contact_hours=D("7.5")) == D("0.7")
    assert rules.suggested_credit(r, "presenting", contact_hours=D("8")) == D("0.5")  # capped
    assert rules.suggested_credit(r, "extra_certification") == D("2.0")


# --- Shared credit across certifications ---------------------------------------------------


def test_a_credit_counts_toward_every_certification_whose_cycle_holds_its_date():
    cpt = cert(1, CPT, "2025-03-15")  # 03/15/2025 – 03/31/2027
    gfi = cert(2, GFI, "2025-09-10", name="ACE GFI")  # 09/10/2025 – 09/30/2027
    entries = [
        entry("2025-06-01", "0.4", course_id=1),  # CPT only
        entry("2026-01-10", "0.3", course_id=2),  # both
        entry("2027-03-31", "0.2", course_id=3),  # both (CPT's last day)
    ]
    results = evaluate([cpt, gfi], entries, today="2027-03-31")
    assert only(results, 1).total == D("0.9")
    assert only(results, 2).total == D("0.5")
    later = evaluate(
        [cpt, gfi], [*entries, entry("2027-05-01", "0.6", course_id=4)], today="2027-05-02"
    )
    assert only(later, 1).total == D("0.9")  # its cycle ended 03/31/2027
    assert only(later, 2).total == D("1.1")


def test_shared_credit_stays_with_the_same_certifier():
    ace_cert = cert(1, CPT, "2025-03-15")
    nsca_cert = cert(2, CSCS, "2025-06-10", certifier=NSCA, name="NSCA CSCS")
    entries = [
        entry("2025-07-01", "0.3", course_id=1),  # an ACE credit
        entry("2025-07-02", "6.0", "approved_course", course_id=9, certifier_id=NSCA),
        entry("2025-07-03", "0.2", "presenting", certifier_id=None),  # no certifier: both
    ]
    results = evaluate([ace_cert, nsca_cert], entries, today="2025-08-01")
    assert only(results, 1).total == D("0.5")
    assert only(results, 2).total == D("6.2")


# --- CPR/AED on the deadline, status ------------------------------------------------------


def met_cert_entries():
    return [entry("2025-05-01", "1.0", course_id=1), entry("2025-06-01", "1.0", course_id=2)]


def test_ready_when_met_and_a_cpr_card_is_current_on_the_deadline():
    c = cert(1, CPT, "2025-03-15")
    result = only(evaluate([c], met_cert_entries(), today="2026-01-01"))
    assert result.met and result.cpr_current_on_deadline and result.cpr_ok
    assert result.status == Status.READY and result.can_renew


def test_a_cpr_card_expiring_before_the_deadline_blocks_renewal():
    c = cert(1, CPT, "2025-03-15")  # deadline 03/31/2027
    expiring = card("2025-01-10", "2027-03-30")  # one day short
    result = only(evaluate([c], met_cert_entries(), today="2026-01-01", cards=[expiring]))
    assert result.met
    assert not result.cpr_current_on_deadline
    assert result.status == Status.ON_TRACK and not result.can_renew
    # With fewer than 90 days left it is at risk: the person cannot renew yet.
    late = only(evaluate([c], met_cert_entries(), today="2027-01-15", cards=[expiring]))
    assert late.status == Status.AT_RISK
    on_the_day = card("2025-01-10", "2027-03-31")
    assert only(evaluate([c], met_cert_entries(), today="2026-01-01", cards=[on_the_day])).can_renew


def test_no_cpr_card_needed_when_the_certifier_does_not_require_one():
    c = cert(1, CPT, "2025-03-15")
    result = only(
        evaluate(
            [c],
            met_cert_entries(),
            today="2026-01-01",
            cards=[],
            rules_by={ACE: ace_rules(cpr_required=False)},
        )
    )
    assert result.status == Status.READY


@pytest.mark.parametrize(
    ("today", "status", "days_left"),
    [
        ("2026-12-31", Status.ON_TRACK, 90),  # exactly 90 days left: not yet at risk
        ("2027-01-01", Status.AT_RISK, 89),
        ("2027-03-31", Status.AT_RISK, 0),  # the deadline itself
        ("2027-04-01", Status.GRACE, -1),
        ("2027-09-30", Status.GRACE, -183),  # six months on, the last day of grace
        ("2027-10-01", Status.LAPSED, -184),
    ],
)
def test_at_risk_grace_and_lapsed(today, status, days_left):
    c = cert(1, CPT, "2025-03-15")
    result = only(evaluate([c], [entry("2025-05-01", "1.0")], today=today))
    assert result.status == status
    assert result.days_left == days_left
    assert result.grace_ends_on == day("2027-09-30")
    assert not result.can_renew


def test_renewal_allowed_in_grace_when_met_but_not_once_lapsed():
    c = cert(1, CPT, "2025-03-15")
    in_grace = only(evaluate([c], met_cert_entries(), today="2027-06-01"))
    assert in_grace.status == Status.GRACE and in_grace.can_renew
    lapsed = only(evaluate([c], met_cert_entries(), today="2027-10-01"))
    assert lapsed.status == Status.LAPSED and not lapsed.can_renew


def test_grace_is_data():
    c = cert(1, CPT, "2025-03-15")
    r = ace_rules(grace_months=1)
    result = only(evaluate([c], [], today="2027-05-01", rules_by={ACE: r}))
    assert result.grace_ends_on == day("2027-04-30")
    assert result.status == Status.LAPSED


# --- Extra certification --------------------------------------------------------------------


def test_an_extra_certification_earned_in_the_cycle_meets_the_whole_requirement():
    cpt = cert(1, CPT, "2025-03-15")
    gfi = cert(2, GFI, "2026-02-01", name="ACE GFI")
    extra = entry("2026-02-01", "2.0", "extra_certification", program_id=GFI)
    results = evaluate(
        [cpt, gfi], [entry("2025-05-01", "0.3", course_id=1), extra], today="2026-03-01"
    )
    cpt_result = only(results, 1)
    assert cpt_result.met and cpt_result.remaining == D("0.0")
    assert cpt_result.total == D("2.3")
    assert cpt_result.status == Status.READY
    # It is not an extra certification for the certification it is.
    gfi_result = only(results, 2)
    assert not gfi_result.met
    assert "being renewed" in gfi_result.not_counted[0].reason


def test_an_extra_certification_outside_the_cycle_does_not_count():
    cpt = cert(1, CPT, "2025-03-15")
    extra = entry("2025-03-14", "2.0", "extra_certification", program_id=HC)
    result = only(evaluate([cpt], [extra], today="2026-03-01"))
    assert not result.met and result.total == D("0.0")


def test_only_one_extra_certification_counts_per_cycle():
    cpt = cert(1, CPT, "2025-03-15")
    entries = [
        entry("2025-05-01", "2.0", "extra_certification", program_id=GFI),
        entry("2025-06-01", "2.0", "extra_certification", program_id=HC),
    ]
    result = only(evaluate([cpt], entries, today="2026-03-01"))
    assert result.total == D("2.0")
    assert "already meets" in result.not_counted[0].reason


# --- A second certifier, by data only --------------------------------------------------------


def test_fixed_three_year_cycles_with_one_hour_units():
    r = nsca_rules(prorate=False)
    assert rules.fixed_cycle_around(r, day("2025-06-10")) == (day("2024-01-01"), day("2026-12-31"))
    assert rules.fixed_cycle_around(r, day("2027-01-01")) == (day("2027-01-01"), day("2029-12-31"))
    assert rules.fixed_cycle_around(r, day("2023-12-31")) == (day("2021-01-01"), day("2023-12-31"))
    first = rules.first_cycle(r, day("2025-06-10"))
    # Everyone's cycle ends on 12/31/2026, whenever they certified.
    assert (first.starts_on, first.ends_on, first.credits_required) == (
        day("2025-06-10"),
        day("2026-12-31"),
        D("45.0"),
    )
    second = rules.next_cycle(r, first)
    assert (second.starts_on, second.ends_on) == (day("2027-01-01"), day("2029-12-31"))
    # One credit per contact hour.
    assert rules.suggested_credit(r, "presenting", contact_hours=D("7.5")) == D("7.5")
    assert rules.suggested_credit(r, "cpr_aed") == D("2.0")
    assert rules.suggested_credit(r, "college", credit_hours=D("3"), grade="B") == D("45.0")
    assert rules.suggested_credit(r, "college", credit_hours=D("3"), grade="C") == D("0.0")


@pytest.mark.parametrize(
    ("earned", "required"),
    [
        ("2024-01-01", "45.0"),
        ("2024-12-31", "45.0"),
        ("2025-06-10", "30.0"),
        ("2026-03-01", "15.0"),
    ],
)
def test_fixed_cycle_requirement_is_pro_rated_by_certification_year(earned, required):
    assert rules.first_cycle(nsca_rules(), day(earned)).credits_required == D(required)


def test_second_certifier_evaluation():
    c = cert(1, CSCS, "2025-06-10", certifier=NSCA, name="NSCA CSCS")  # 06/10/2025–12/31/2026, 30
    entries = [
        entry("2025-06-09", "5.0", "approved_course", course_id=1, certifier_id=NSCA),  # before
        entry("2025-07-01", "20.0", "approved_course", course_id=2, certifier_id=NSCA),
        entry("2025-08-01", "6.0", "presenting", certifier_id=NSCA),
        entry("2025-09-01", "6.0", "presenting", certifier_id=NSCA),  # 4.0 of it (cap 10)
        entry("2025-10-01", "0.5", "mentoring", certifier_id=NSCA),  # not a kind NSCA counts
    ]
    result = only(evaluate([c], entries, today="2026-11-15", cards=[]))
    assert result.required == D("30.0")
    assert result.total == D("30.0")
    assert result.met and result.unit == "CEU"
    assert result.status == Status.READY  # no CPR/AED needed
    assert "does not count at NSCA" in result.not_counted[0].reason
    assert result.days_left == 46
    lapsed = only(evaluate([c], [], today="2027-04-01", cards=[]))
    assert lapsed.grace_ends_on == day("2027-03-31")
    assert lapsed.status == Status.LAPSED


# --- Closed cycles ------------------------------------------------------------------------


def test_a_renewed_cycle_is_frozen():
    c = cert(
        1,
        CPT,
        "2023-03-15",
        cycle(1, "2023-03-15", "2025-03-31", renewed="2025-02-01"),
        cycle(2, "2025-04-01", "2027-03-31"),
    )
    counted = entry("2024-05-01", "2.0", created_at=moment("2024-05-02"))
    late = entry("2025-01-10", "0.3", course_id=5, created_at=moment("2025-02-10"))
    same_day_before = entry("2025-01-11", "0.1", course_id=6, created_at=moment("2025-02-01", 9))
    results = evaluate([c], [counted, late], today="2025-06-01")
    past = next(r for r in results if r.cycle.id == 1)
    assert past.total == D("2.0")
    assert "Added after this cycle was renewed" in past.not_counted[0].reason
    assert rules.locking_cycle(counted, [c]).id == 1
    assert rules.locking_cycle(late, [c]) is None
    # Added on the renewal day, before the renewal (at noon): it counted, so it is locked.
    again = evaluate([c], [counted, same_day_before], today="2025-06-01")
    assert next(r for r in again if r.cycle.id == 1).total == D("2.1")
    assert rules.locking_cycle(same_day_before, [c]).id == 1
