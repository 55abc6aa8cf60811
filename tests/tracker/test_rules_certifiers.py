"""Each certifier's seeded rules, on cases computed by hand from the reference.

The certifiers come from tracker/seed.py; each test cites the line of
../shared/DOMAIN.md ("Other certifiers") or ../shared/CERTIFIERS.md its figures come from.
"""

from dataclasses import replace

import pytest

from tests.tracker.rules_builders import (
    ACE,
    ACSM,
    AEA,
    AFAA,
    ISSA,
    NASM,
    NSCA,
    D,
    ace_entry,
    card,
    cert,
    certifier,
    cycle,
    day,
    entry,
    evaluate,
    only,
)
from tracker import rules
from tracker.rules import Activity, Approval, Status


def card_activity(issued, expires, kind="cpr_aed"):
    return Activity(kind, day(issued), card_issued_on=day(issued), card_expires_on=day(expires))


def claim_of(activity, code):
    """The one claim an activity earns toward one seeded certifier."""
    of = certifier(code)
    claims, refusals = rules.claims_for(activity, {of.id: of})
    assert refusals == (), refusals
    (claim,) = claims
    return claim


# --- Units: DOMAIN.md "Units"; CERTIFIERS.md §1 (ACE 0.1 CEC = 1 h), §2 (NASM 0.1 CEU = 1 h),
# §3 (AFAA: 1 contact hour = 1 CEU) ----------------------------------------------------------


def test_a_three_hour_course_in_each_unit():
    three_hours = Activity(
        "approved_course",
        day("2025-05-01"),
        contact_hours=D("3"),
        approvals=(
            Approval(ACE, "CA23456", None),
            Approval(NASM, "NASM-2025-001", None),
            Approval(AFAA, "AFAA-2025-001", None),
        ),
    )
    by_id = {i: certifier(code) for i, code in ((ACE, "ace"), (NASM, "nasm"), (AFAA, "afaa"))}
    claims, refusals = rules.claims_for(three_hours, by_id)
    assert refusals == ()
    assert [(c.certifier_id, c.credit) for c in claims] == [
        (ACE, D("0.3")),  # 0.3 CEC
        (NASM, D("0.3")),  # 0.3 CEU
        (AFAA, D("3.0")),  # 3.0 CEUs
    ]
    assert rules.amount(claims[0].credit, by_id[ACE].unit) == "0.3 CEC"
    assert rules.amount(claims[2].credit, by_id[AFAA].unit) == "3.0 CEUs"


@pytest.mark.parametrize(
    ("code", "hours", "credit"),
    [
        ("ace", "3", "0.3"),
        ("ace", "2.5", "0.2"),  # rounded down to a tenth: never more than earned
        ("nasm", "3", "0.3"),
        ("nsca", "10", "1.0"),  # 10 h = 1.0 CEU (CERTIFIERS.md §5)
        ("afaa", "3", "3.0"),
        ("acsm", "3", "3.0"),  # 1 CEC = 1 hour (§4)
        ("issa", "2.5", "2.5"),  # 1 CEU = 1 CE hour (§6)
        ("aea", "15", "15.0"),  # 15 hours every 2 years (§7)
    ],
)
def test_credit_from_hours(code, hours, credit):
    assert rules.credit_from_hours(certifier(code).unit, D(hours)) == D(credit)


# --- ACE: CERTIFIERS.md §1; DOMAIN.md "Certifications and renewal cycles" -----------------------


def test_ace_cycle_ends_on_the_last_day_of_the_month_two_years_on():
    # "expires on the last day of the month in which the certification was earned, every 2
    # years": earned 04/10/2024 → 04/30/2026.
    first = rules.first_cycle(certifier("ace"), day("2024-04-10"))
    assert (first.starts_on, first.ends_on) == (day("2024-04-10"), day("2026-04-30"))


@pytest.mark.parametrize(
    ("today", "status"),
    [
        ("2026-04-30", Status.AT_RISK),  # the deadline
        ("2026-09-01", Status.GRACE),  # inside the six-month grace period
        ("2026-10-31", Status.GRACE),  # its last day
        ("2026-12-02", Status.LAPSED),
    ],
)
def test_ace_grace_and_lapsed(today, status):
    # Six-month grace period (ACE article, §1). Never renewed: the first cycle stays current.
    (first,) = rules.cycles_from(certifier("ace"), day("2024-04-10"), today=day(today))
    c = cert(1, 10, "2024-04-10", replace(first, id=1))
    result = only(evaluate([c], [], today=today))
    assert result.grace_ends_on == day("2026-10-31")
    assert result.status == status


def test_ace_two_cards_in_one_cycle_earn_one_cards_credit():
    # 0.2 for a one-year card, 0.4 for a two-year card (blog 2013); one card per cycle is the
    # reference's suggested default (CERTIFIERS.md §1, "Per-cycle cap on CPR credit").
    c = cert(1, 10, "2025-01-10")
    first = ace_entry("2025-02-01", "0.4", kind="cpr_aed", cpr_card_id=1)
    second = ace_entry("2026-01-15", "0.4", kind="cpr_aed", cpr_card_id=2)
    result = only(evaluate([c], [first, second], today="2026-02-01"))
    assert result.category_totals["cpr_aed"] == D("0.4")
    assert result.total == D("0.4")
    assert "per cycle" in result.not_counted[0].reason


# --- NASM: CERTIFIERS.md §2 -------------------------------------------------------------------


def nasm_cert():
    # Two years, anchored to the exact date (end of month unverified: the seed's default).
    return cert(1, 20, "2025-02-01", of=certifier("nasm"), name="NASM CPT")


def nasm_course(date, credit, course_id):
    return entry(date, (NASM, credit, "courses"), course_id=course_id)


def nasm_cpr(date, credit="0.1", card_id=1):
    return entry(date, (NASM, credit, "cpr_aed"), kind="cpr_aed", cpr_card_id=card_id)


def test_nasm_cycle_ends_two_years_on_the_same_day():
    assert nasm_cert().cycles[0].ends_on == day("2027-02-01")


def test_nasm_two_ceus_from_courses_alone_are_not_enough():
    # "2.0 NASM-approved CEUs, which include 0.1 CEU from the mandatory CPR/AED".
    courses = [nasm_course("2025-05-01", "1.0", 1), nasm_course("2025-06-01", "1.0", 2)]
    result = only(evaluate([nasm_cert()], courses, today="2026-01-01"))
    assert result.total == D("2.0") and result.required == D("2.0")
    assert not result.met
    assert result.shortfalls == ("0.1 CEU from CPR/AED still needed.",)
    assert result.status == Status.ON_TRACK
    with_cpr = only(evaluate([nasm_cert()], [*courses, nasm_cpr("2025-07-01")], today="2026-01-01"))
    assert with_cpr.met and with_cpr.shortfalls == ()
    assert with_cpr.total == D("2.1")
    assert with_cpr.status == Status.READY


def test_nasm_one_point_nine_and_the_card_make_two():
    entries = [nasm_course("2025-05-01", "1.9", 1), nasm_cpr("2025-07-01")]
    assert only(evaluate([nasm_cert()], entries, today="2026-01-01")).met


def test_nasm_cpr_credit_is_exactly_a_tenth():
    assert claim_of(card_activity("2025-01-10", "2027-01-10"), "nasm") == rules.Claim(
        NASM, D("0.1"), "cpr_aed"
    )
    entries = [nasm_cpr("2025-07-01", "0.2", 1), nasm_cpr("2026-07-01", "0.1", 2)]
    result = only(evaluate([nasm_cert()], entries, today="2026-08-01"))
    assert result.total == D("0.1")
    assert result.counted[0].note == "0.1 of 0.2 counts: at most 0.1 CEU per cycle in CPR/AED."
    assert result.not_counted[0].reason == "The cap of 0.1 CEU per cycle in CPR/AED is reached."


# --- AFAA: CERTIFIERS.md §3 -------------------------------------------------------------------


def afaa_cert():
    return cert(1, 30, "2025-02-01", of=certifier("afaa"), name="AFAA CGFI")


def test_afaa_needs_two_ceus_from_afaa_or_nasm_courses():
    # "15 CEUs (15 contact hours), of which ≥2 must come from an AFAA or NASM course".
    other = [entry("2025-05-01", (AFAA, "15", "A"), course_id=1)]
    result = only(evaluate([afaa_cert()], other, today="2026-01-01"))
    assert result.total == D("15") and not result.met
    assert result.shortfalls == ("2.0 CEUs from AFAA or NASM courses still needed.",)
    # An AFAA approval files its course under "own" (the seed's category for AFAA/NASM courses).
    own_course = Activity(
        "approved_course",
        day("2025-06-01"),
        contact_hours=D("2"),
        approvals=(Approval(AFAA, "AFAA-2025-001", None, category="own"),),
    )
    own = claim_of(own_course, "afaa")
    assert own == rules.Claim(AFAA, D("2.0"), "own")
    both = [
        entry("2025-05-01", (AFAA, "13", "A"), course_id=1),
        entry("2025-06-01", own, course_id=2),
    ]
    result = only(evaluate([afaa_cert()], both, today="2026-01-01"))
    assert result.total == D("15") and result.met and result.shortfalls == ()


def test_afaa_college_counts_double_and_the_card_counts_two():
    # "accredited on-site college courses … at 2× the college credit (3 credit hours = 6 CEUs)";
    # CPR/AED "worth 2 CEUs".
    course = Activity("college", day("2025-05-01"), credit_hours=D("3"), grade="B")
    assert claim_of(course, "afaa").credit == D("6.0")
    assert claim_of(card_activity("2025-01-10", "2027-01-10"), "afaa").credit == D("2")


# --- ACSM: CERTIFIERS.md §4 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("earned", "end"),
    [
        ("2023-06-10", "2026-12-31"),  # 3 years on falls in 2026: December 31, 2026
        ("2023-12-31", "2026-12-31"),
        ("2024-01-01", "2027-12-31"),
    ],
)
def test_acsm_cycle_ends_on_december_31_three_years_on(earned, end):
    assert rules.first_cycle(certifier("acsm"), day(earned)).ends_on == day(end)


def test_acsm_next_cycle_and_grace_to_june_30():
    acsm = certifier("acsm")
    first = rules.first_cycle(acsm, day("2023-06-10"))
    second = rules.next_cycle(acsm, first)
    assert (second.starts_on, second.ends_on) == (day("2027-01-01"), day("2029-12-31"))
    # "Automatic 6-month grace period, ending June 30".
    assert rules.grace_end(acsm, acsm.rules_on(first.starts_on), first.ends_on) == day("2027-06-30")
    assert rules.requirement(acsm, day("2023-06-10"), first)[0] == D("45")


def acsm_cert():
    return cert(1, 40, "2024-06-10", of=certifier("acsm"), name="ACSM CPT")  # to 12/31/2027


def acsm_card(date, card_id, kind="cpr_aed"):
    claim = claim_of(card_activity(date, "2027-12-31", kind), "acsm")
    return entry(date, claim, kind=kind, cpr_card_id=card_id)


def test_acsm_cpr_credit_is_capped_per_calendar_year():
    # "Effective Jan 1, 2025: 5 CECs per year may be earned … for completing CPR, AED and/or
    # First Aid": two 5-CEC cards in one year count 5; in two years, 10.
    same_year = [acsm_card("2025-02-01", 1), acsm_card("2025-09-01", 2)]
    result = only(evaluate([acsm_cert()], same_year, today="2026-01-01"))
    assert result.total == D("5")
    assert result.not_counted[0].reason == (
        "The cap of 5.0 CECs per calendar year in CPR, AED and First Aid is reached for 2025."
    )
    two_years = [acsm_card("2025-02-01", 1), acsm_card("2026-02-01", 2)]
    assert only(evaluate([acsm_cert()], two_years, today="2026-03-01")).total == D("10")
    # First Aid is the same category: a CPR card and a First Aid card in 2026 count 5.
    mixed = [acsm_card("2026-02-01", 1), acsm_card("2026-03-01", 2, kind="first_aid")]
    assert only(evaluate([acsm_cert()], mixed, today="2026-04-01")).total == D("5")


def test_acsm_year_cap_trims_the_last_card_with_a_note():
    entries = [
        entry("2025-02-01", (ACSM, "3", "cpr_aed"), kind="cpr_aed", cpr_card_id=1),
        entry("2025-09-01", (ACSM, "5", "cpr_aed"), kind="cpr_aed", cpr_card_id=2),
    ]
    result = only(evaluate([acsm_cert()], entries, today="2026-01-01"))
    assert [c.credit for c in result.counted] == [D("3"), D("2")]
    assert result.counted[1].note == (
        "2.0 of 5.0 counts: at most 5.0 CECs per year in CPR, AED and First Aid."
    )
    # What a third card could still add in 2025 and in 2026.
    acsm = certifier("acsm")
    assert rules.room_in(result, acsm, "cpr_aed", year=2025) == D("0")
    assert rules.room_in(result, acsm, "cpr_aed") == D("5")  # today is in 2026


def test_acsm_college_and_courses_in_scope():
    # "10 CECs per credit hour (3-credit course = 30 CECs), grade C or better"; courses in scope
    # count without petition, by their hours.
    course = Activity("college", day("2025-05-01"), credit_hours=D("3"), grade="C")
    assert claim_of(course, "acsm").credit == D("30")
    outside_course = Activity("approved_course", day("2025-05-01"), contact_hours=D("6"))
    assert claim_of(outside_course, "acsm") == rules.Claim(ACSM, D("6.0"), "courses")
    # An ACSM approval that expired before the completion: still counted by the hours.
    expired = replace(
        outside_course,
        approvals=(Approval(ACSM, "ACSM-EP-1234", D("8"), valid_to=day("2025-01-01")),),
    )
    assert claim_of(expired, "acsm") == rules.Claim(ACSM, D("6.0"), "courses")


# --- NSCA: CERTIFIERS.md §5 and its 2024–2026 table -------------------------------------------


def test_nsca_fixed_periods():
    # "Fixed 3-year reporting period for everyone: current 2024–2026, deadline Dec 31, 2026 …
    # Next period: 2027–2029".
    nsca = certifier("nsca")
    assert rules.period_around(nsca, day("2025-06-10")) == (day("2024-01-01"), day("2026-12-31"))
    assert rules.period_around(nsca, day("2027-01-01")) == (day("2027-01-01"), day("2029-12-31"))
    assert rules.period_around(nsca, day("2023-12-31")) == (day("2021-01-01"), day("2023-12-31"))
    # "CEUs must be earned between Jan 1, 2024 (or the certification date, if later) and
    # Dec 31, 2026".
    first = rules.first_cycle(nsca, day("2025-06-10"))
    assert (first.starts_on, first.ends_on) == (day("2025-06-10"), day("2026-12-31"))
    second = rules.next_cycle(nsca, first)
    assert (second.starts_on, second.ends_on) == (day("2027-01-01"), day("2029-12-31"))
    third = rules.next_cycle(nsca, second)
    assert (third.starts_on, third.ends_on) == (day("2030-01-01"), day("2032-12-31"))


NSCA_PERIOD = cycle(1, "2024-01-01", "2026-12-31")


@pytest.mark.parametrize(
    ("earned", "required", "a", "b", "c", "d"),
    [
        # Before 2024: 6.0 | 5.5 / 4.0 / 5.5 / 4.0
        ("2021-05-01", "6.0", "5.5", "4.0", "5.5", "4.0"),
        ("2023-12-31", "6.0", "5.5", "4.0", "5.5", "4.0"),
        # During 2024: 4.0 | 3.5 / 3.0 / 3.5 / 3.0
        ("2024-01-01", "4.0", "3.5", "3.0", "3.5", "3.0"),
        ("2024-12-31", "4.0", "3.5", "3.0", "3.5", "3.0"),
        # During 2025: 2.0 | 1.5 / 1.0 / 1.5 / 1.0
        ("2025-01-01", "2.0", "1.5", "1.0", "1.5", "1.0"),
        ("2025-12-31", "2.0", "1.5", "1.0", "1.5", "1.0"),
        # Jan 1 – Jun 30, 2026: 1.0 | 1.0 each
        ("2026-01-01", "1.0", "1.0", "1.0", "1.0", "1.0"),
        ("2026-06-30", "1.0", "1.0", "1.0", "1.0", "1.0"),
        # Jul 1 – Dec 31, 2026: 0 | 0 each
        ("2026-07-01", "0", "0", "0", "0", "0"),
        ("2026-12-31", "0", "0", "0", "0", "0"),
    ],
)
def test_nsca_requirement_and_category_maximums_by_certification_date(earned, required, a, b, c, d):
    nsca = certifier("nsca")
    earned_on = day(earned)
    the_cycle = NSCA_PERIOD if earned_on < day("2024-01-01") else rules.first_cycle(nsca, earned_on)
    assert the_cycle.ends_on == day("2026-12-31")
    assert rules.requirement(nsca, earned_on, the_cycle) == (
        D(required),
        {"A": D(a), "B": D(b), "C": D(c), "D": D(d)},
    )


def test_nsca_next_period_takes_the_row_for_people_certified_before_it():
    nsca = certifier("nsca")
    second = rules.next_cycle(nsca, rules.first_cycle(nsca, day("2025-06-10")))
    assert rules.requirement(nsca, day("2025-06-10"), second)[0] == D("6.0")


def nsca_cert(earned, *cycles):
    return cert(1, 50, earned, *cycles, of=certifier("nsca"), name="NSCA CSCS")


def event(date, credit, course_id):
    return entry(date, (NSCA, credit, "A"), course_id=course_id)


def quiz(date, credit="0.2"):
    return entry(date, (NSCA, credit, "B"), kind="quiz")


def test_nsca_needs_credit_from_two_categories():
    # "CEUs must come from at least two categories" — also on the 1.0 row, where every
    # category's maximum is 1.0.
    c = nsca_cert("2026-02-01")  # 1.0 CEU, each category at most 1.0
    one = [event("2026-03-01", "1.0", 1)]
    result = only(evaluate([c], one, today="2026-06-01"))
    assert result.total == D("1.0") and result.required == D("1.0")
    assert not result.met
    assert result.shortfalls == ("Credit from at least 2 categories is needed; so far 1.",)
    result = only(evaluate([c], [*one, quiz("2026-04-01")], today="2026-06-01"))
    assert result.met and result.total == D("1.2")
    assert result.category_totals == {"A": D("1.0"), "B": D("0.2")}


def test_nsca_category_maximums_and_the_cap_per_event():
    # Certified before 2024: 6.0 CEUs, A at most 5.5; any single event at most 2.0 CEU.
    c = nsca_cert("2021-05-01", NSCA_PERIOD)
    entries = [
        event("2024-03-01", "3.0", 1),  # 2.0 of it: the most one event earns
        event("2024-06-01", "2.0", 2),
        event("2025-03-01", "2.0", 3),  # 1.5 of it: A reaches 5.5
        event("2025-06-01", "1.0", 4),  # nothing: A is full
        quiz("2025-07-01"),
        quiz("2025-08-01"),
    ]
    result = only(evaluate([c], entries, today="2026-06-01"))
    assert [x.credit for x in result.counted] == [D("2.0"), D("2.0"), D("1.5"), D("0.2"), D("0.2")]
    assert result.counted[0].note == "2.0 of 3.0 counts: at most 2.0 CEUs from one activity."
    assert result.counted[2].note == (
        "1.5 of 2.0 counts: at most 5.5 CEUs per cycle in A: attendance at live events."
    )
    assert result.not_counted[0].reason == (
        "The cap of 5.5 CEUs per cycle in A: attendance at live events is reached."
    )
    assert result.total == D("5.9") and not result.met and result.remaining == D("0.1")
    assert rules.room_in(result, certifier("nsca"), "A") == D("0")
    assert rules.room_in(result, certifier("nsca"), "B") == D("3.6")
    met = only(evaluate([c], [*entries, quiz("2025-09-01")], today="2026-06-01"))
    assert met.total == D("6.1") and met.met and met.status == Status.READY


def test_nsca_band_caps_apply_in_the_cycle():
    # Certified during 2025: 2.0 CEUs, A at most 1.5, so A alone can never meet it.
    c = nsca_cert("2025-03-01")
    entries = [event("2025-04-01", "1.0", 1), event("2025-05-01", "1.0", 2)]
    result = only(evaluate([c], entries, today="2026-06-01"))
    assert result.required == D("2.0")
    assert result.category_totals == {"A": D("1.5")}
    assert "at most 1.5 CEUs per cycle" in result.counted[1].note


def test_nsca_certified_in_the_last_half_year_needs_nothing():
    # Jul 1 – Dec 31, 2026: 0 CEUs (the two-category rule asks nothing of a zero requirement).
    result = only(evaluate([nsca_cert("2026-08-01")], [], today="2026-11-01"))
    assert result.required == D("0") and result.met and result.status == Status.READY


def test_nsca_has_no_grace_and_no_cpr_credit():
    # CPR/AED is a condition only (CPR = 0 CEU, an unverified default); non-completers may
    # appeal, there is no grace period.
    result = only(evaluate([nsca_cert("2025-03-01")], [], today="2027-01-01"))
    assert result.grace_ends_on == day("2026-12-31")
    assert result.status == Status.LAPSED
    nsca = certifier("nsca")
    claims, (refusal,) = rules.claims_for(card_activity("2025-01-10", "2027-01-10"), {NSCA: nsca})
    assert claims == ()
    assert refusal.reason == "CPR/AED renewal does not count toward NSCA renewal."
    first_aid = claim_of(card_activity("2025-01-10", "2027-01-10", "first_aid"), "nsca")
    assert first_aid == rules.Claim(NSCA, D("0.5"), "C")  # 2012 value


def test_nsca_cycles_from_a_last_renewal():
    # Certified 05/01/2020 (period 2018–2020), last renewed 11/01/2023: that renewal closed
    # 2021–2023; the open cycle is 2024–2026.
    renewed, following = rules.cycles_from(
        certifier("nsca"),
        day("2020-05-01"),
        last_renewed_on=day("2023-11-01"),
        today=day("2025-01-01"),
    )
    assert (renewed.starts_on, renewed.ends_on) == (day("2021-01-01"), day("2023-12-31"))
    assert (following.starts_on, following.ends_on) == (day("2024-01-01"), day("2026-12-31"))


def test_acsm_cycles_from_a_renewal_in_grace():
    # Earned 03/01/2018: 03/01/2018–12/31/2021, grace to 06/30/2022; renewed 03/15/2022, in
    # grace: that closed the first cycle (the earliest whose window holds the date), and the
    # next keeps the original schedule (§4: "the next cycle keeps the original schedule").
    renewed, following = rules.cycles_from(
        certifier("acsm"),
        day("2018-03-01"),
        last_renewed_on=day("2022-03-15"),
        today=day("2025-01-01"),
    )
    assert (renewed.starts_on, renewed.ends_on) == (day("2018-03-01"), day("2021-12-31"))
    assert (following.starts_on, following.ends_on) == (day("2022-01-01"), day("2024-12-31"))


def test_nsca_versions_of_the_table_follow_the_period():
    # "The table therefore changes between periods and must be data, keyed by period": a
    # version from 2027 (hypothetical figures) applies to 2027–2029 only.
    nsca = certifier("nsca")
    current = nsca.rule_sets[0]
    later = replace(
        current,
        id=2,
        effective_from=day("2027-01-01"),
        bands=(replace(current.bands[0], required=D("7.0")), *current.bands[1:]),
    )
    versioned = replace(nsca, rule_sets=(current, later))
    first = rules.first_cycle(versioned, day("2023-05-01"))  # 2021–2023
    period_2024 = rules.next_cycle(versioned, first)
    period_2027 = rules.next_cycle(versioned, period_2024)
    assert rules.requirement(versioned, day("2023-05-01"), period_2024)[0] == D("6.0")
    assert rules.requirement(versioned, day("2023-05-01"), period_2027)[0] == D("7.0")


# --- ISSA: CERTIFIERS.md §6 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expires", "status"),
    [
        ("2026-06-21", Status.ON_TRACK),  # 20 days past today: not enough
        ("2026-07-01", Status.READY),  # exactly 30 days
        ("2026-07-11", Status.READY),  # 40 days
    ],
)
def test_issa_card_must_run_thirty_days_past_submission(expires, status):
    # "Must be valid for at least 30 days beyond the date of submission."
    c = cert(1, 60, "2025-01-15", of=certifier("issa"), name="ISSA CPT")  # to 01/15/2027
    hours = [entry("2025-05-01", (ISSA, "20", "other"), kind="live_event")]
    result = only(evaluate([c], hours, today="2026-06-01", cards=[card("2025-01-01", expires)]))
    assert result.met  # 20 CE hours
    assert result.status == status
    assert result.cpr_ok == (status == Status.READY)


# --- AEA: CERTIFIERS.md §7 --------------------------------------------------------------------


def test_aea_card_counts_three_once_per_cycle():
    # "CPR/AED is worth 3.0 AEA CECs"; 15 CECs required.
    assert claim_of(card_activity("2025-01-10", "2027-01-10"), "aea").credit == D("3.0")
    c = cert(1, 70, "2025-01-15", of=certifier("aea"), name="AEA AFP")
    entries = [
        entry("2025-02-01", (AEA, "3.0", "cpr_aed"), kind="cpr_aed", cpr_card_id=1),
        entry("2026-02-01", (AEA, "3.0", "cpr_aed"), kind="cpr_aed", cpr_card_id=2),
        entry("2025-05-01", (AEA, "12", "courses"), course_id=1),
    ]
    result = only(evaluate([c], entries, today="2026-06-01"))
    assert result.total == D("15.0") and result.met and result.required == D("15")
