"""The renewal rules on ACE's seeded rules, each case computed by hand (pure: no database).

The figures are ACE's (DOMAIN.md, "Certifications and renewal cycles" and "Ways to earn CECs";
CERTIFIERS.md §1); the other certifiers are in test_rules_certifiers.py.
"""

from dataclasses import replace

import pytest

from tests.tracker.rules_builders import (
    ACE,
    GOOD_CARD,
    NSCA,
    D,
    ace_entry,
    card,
    cert,
    certifier,
    credits,
    cycle,
    day,
    entry,
    evaluate,
    moment,
    of_cycle,
    only,
    with_activity,
    with_rules,
)
from tracker import rules
from tracker.rules import Activity, Approval, CprWindow, Status

CPT = 10  # ACE Certified Personal Trainer
GFI = 11  # ACE Group Fitness Instructor
HC = 12  # ACE Health Coach
CSCS = 20  # NSCA's program


def ace():
    return certifier("ace")


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
    first = rules.first_cycle(ace(), day(earned))
    assert (first.starts_on, first.ends_on) == (day(start), day(end))
    assert rules.requirement(ace(), day(earned), first) == (
        D("2.0"),
        {"cpr_aed": D("0.4"), "presenting": D("0.5"), "mentoring": D("0.1")},
    )


def test_next_cycle_starts_the_day_after_the_old_end():
    first = rules.first_cycle(ace(), day("2025-03-15"))
    second = rules.next_cycle(ace(), first)
    third = rules.next_cycle(ace(), second)
    assert (second.starts_on, second.ends_on) == (day("2027-04-01"), day("2029-03-31"))
    assert (third.starts_on, third.ends_on) == (day("2029-04-01"), day("2031-03-31"))


def test_cycle_length_is_data():
    first = rules.first_cycle(replace(ace(), cycle_months=12), day("2025-03-15"))
    assert first.ends_on == day("2026-03-31")


# --- Boundaries, carry-over, repeats --------------------------------------------------------


def test_first_and_last_day_of_the_cycle_count_and_the_days_outside_do_not():
    c = cert(1, CPT, "2025-03-15")  # 03/15/2025 – 03/31/2027
    entries = [
        ace_entry("2025-03-14", "0.5"),  # the day before: outside
        ace_entry("2025-03-15", "0.3"),  # first day
        ace_entry("2027-03-31", "0.4"),  # last day
        ace_entry("2027-04-01", "0.6"),  # the day after: outside
    ]
    result = only(evaluate([c], entries, today="2027-03-31"))
    assert credits(result) == [("2025-03-15", D("0.3")), ("2027-03-31", D("0.4"))]
    assert result.total == D("0.7")
    assert result.remaining == D("1.3")
    assert result.not_counted == ()
    nowhere = rules.counts_nowhere(entries, [c])
    assert [n.entry.completion_date.isoformat() for n in nowhere] == ["2025-03-14", "2027-04-01"]
    assert "outside every renewal cycle" in nowhere[0].reason


def test_an_entry_for_a_certifier_you_hold_nothing_of_counts_nowhere():
    c = cert(1, CPT, "2025-03-15")
    nsca_only = entry("2025-06-01", (NSCA, "1.0", "A"))
    (nowhere,) = rules.counts_nowhere([nsca_only], [c])
    assert "no certification this credit counts toward" in nowhere.reason


def test_no_carry_over_beyond_the_requirement():
    # Cycle 1 earned 2.6 (0.6 more than needed); none of it reaches cycle 2.
    c = cert(
        1,
        CPT,
        "2023-03-15",
        cycle(1, "2023-03-15", "2025-03-31", renewed="2025-02-01"),
        cycle(2, "2025-04-01", "2027-03-31"),
    )
    entries = [ace_entry("2024-05-01", "1.3"), ace_entry("2024-06-01", "1.3", course_id=7)]
    results = evaluate([c], entries, today="2025-06-01")
    past = of_cycle(results, 1)
    current = only(results)
    assert past.total == D("2.6") and past.status == Status.RENEWED
    assert current.total == D("0.0")
    assert current.remaining == D("2.0")


def test_the_same_course_counts_once_per_cycle():
    c = cert(1, CPT, "2025-03-15")
    first = ace_entry("2025-05-01", "0.3", course_id=42)
    again = ace_entry("2026-01-10", "0.3", course_id=42)
    other = ace_entry("2026-02-10", "0.3", course_id=43)
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
    entries = [
        ace_entry("2024-05-01", "0.3", course_id=42),
        ace_entry("2025-05-01", "0.3", course_id=42),
    ]
    results = evaluate([c], entries, today="2025-06-01")
    assert [r.total for r in results] == [D("0.3"), D("0.3")]


# --- Caps and values per kind ---------------------------------------------------------------


def test_presenting_is_capped_at_half_a_cec_per_cycle():
    c = cert(1, CPT, "2025-03-15")
    entries = [
        ace_entry("2025-04-01", "0.3", "presenting"),
        ace_entry("2025-05-01", "0.3", "presenting"),  # only 0.2 of it fits
        ace_entry("2025-06-01", "0.1", "presenting"),  # nothing left
    ]
    result = only(evaluate([c], entries, today="2025-07-01"))
    assert credits(result) == [("2025-04-01", D("0.3")), ("2025-05-01", D("0.2"))]
    assert result.counted[1].note == "0.2 of 0.3 counts: at most 0.5 CEC per cycle in Presenting."
    assert result.total == D("0.5")
    assert result.category_totals == {"presenting": D("0.5")}
    (capped,) = result.not_counted
    assert capped.reason == "The cap of 0.5 CEC per cycle in Presenting is reached."


def test_mentoring_is_capped_at_a_tenth_per_cycle_and_caps_are_per_category():
    c = cert(1, CPT, "2025-03-15")
    entries = [
        ace_entry("2025-04-01", "0.1", "mentoring"),
        ace_entry("2025-05-01", "0.1", "mentoring"),
        ace_entry("2025-06-01", "0.5", "presenting"),
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
    entries = [
        ace_entry("2024-04-01", "0.5", "presenting"),
        ace_entry("2025-05-01", "0.5", "presenting"),
    ]
    results = evaluate([c], entries, today="2025-06-01")
    assert [r.total for r in results] == [D("0.5"), D("0.5")]


def cpr_activity(issued, expires, kind="cpr_aed"):
    return Activity(kind, day(issued), card_issued_on=day(issued), card_expires_on=day(expires))


@pytest.mark.parametrize(
    ("issued", "expires", "expected"),
    [
        ("2025-01-10", "2026-01-10", "0.2"),  # one-year card
        ("2025-01-10", "2026-01-09", "0.2"),
        ("2025-01-10", "2027-01-10", "0.4"),  # two-year card
        ("2025-01-10", "2027-01-09", "0.4"),
        ("2025-01-10", "2028-01-09", "0.4"),  # three years: never more than 0.4 (seed entry cap)
    ],
)
def test_cpr_aed_renewal_is_worth_a_fifth_per_year_of_card(issued, expires, expected):
    (claim,), refusals = rules.claims_for(cpr_activity(issued, expires), {ACE: ace()})
    assert claim == rules.Claim(ACE, D(expected), "cpr_aed")
    assert refusals == ()


def college(hours, grade, prep=False, when="2025-05-01"):
    return Activity("college", day(when), credit_hours=D(hours), grade=grade, is_prep_course=prep)


@pytest.mark.parametrize(
    ("hours", "grade", "prep", "expected"),
    [
        ("1", "C", False, "1.0"),  # 1.0 per credit hour, C is enough
        ("1.5", "B", False, "1.5"),
        ("3", "A", False, "2.0"),  # at most 2.0 from one course
        ("3", "A", True, "0.5"),  # a certification-prep course: at most 0.5
    ],
)
def test_college_credit(hours, grade, prep, expected):
    (claim,), _ = rules.claims_for(college(hours, grade, prep), {ACE: ace()})
    assert claim.credit == D(expected)


@pytest.mark.parametrize("grade", ["C-", "D", "F", ""])
def test_college_below_c_earns_nothing(grade):
    claims, (refusal,) = rules.claims_for(college("3", grade), {ACE: ace()})
    assert claims == ()
    assert refusal.field == "grade"
    assert refusal.reason == "ACE counts college courses with a grade of C or better."


def test_college_entries_below_the_grade_or_above_the_cap_in_the_ledger():
    c = cert(1, CPT, "2025-03-15")
    entries = [
        ace_entry("2025-04-01", "3.0", "college", grade="A"),  # stored 3.0, counts 2.0
        ace_entry("2025-05-01", "1.0", "college", grade="D"),
        ace_entry("2025-06-01", "1.0", "college", grade="B", is_prep_course=True),  # 0.5
    ]
    result = only(evaluate([c], entries, today="2025-07-01"))
    assert credits(result) == [("2025-04-01", D("2.0")), ("2025-06-01", D("0.5"))]
    assert result.counted[0].note == "2.0 of 3.0 counts: at most 2.0 CECs from one activity."
    assert result.counted[1].note == (
        "0.5 of 1.0 counts: at most 0.5 CEC from one certification-prep course."
    )
    assert "grade of C or better" in result.not_counted[0].reason


def test_fixed_values_and_stated_credit():
    by_id = {ACE: ace()}

    def worth(kind, **extra):
        claims, refusals = rules.claims_for(
            Activity(kind, day("2025-05-01"), certifier_id=ACE, **extra), by_id
        )
        return claims[0].credit if claims else refusals[0]

    assert worth("broadening") == D("0.5")
    assert worth("publishing") == D("0.5")
    assert worth("petition", stated_credit=D("0.7")) == D("0.7")  # what the reviewer awards
    assert worth("presenting", stated_credit=D("0.8")) == D("0.8")  # evaluate caps it at 0.5
    assert worth("extra_certification", program_certifier_id=ACE) == D("2.0")
    assert worth("presenting").field == "credit"
    assert worth("live_event", contact_hours=D("3")).reason == (
        "Other course or live event does not count toward ACE renewal."
    )


# --- Courses: approvals ----------------------------------------------------------------------


def course(*approvals, hours="3", when="2025-05-01", kind="approved_course"):
    return Activity(
        kind, day(when), contact_hours=D(hours), approvals=approvals, course_label="CA23456"
    )


def test_an_approved_course_is_worth_its_approved_credit():
    approved = Approval(ACE, "CA23456", D("0.5"), valid_from=day("2025-01-01"))
    (claim,), refusals = rules.claims_for(course(approved), {ACE: ace()})
    assert claim == rules.Claim(ACE, D("0.5"), "courses")
    assert refusals == ()


def test_an_approval_without_a_value_counts_the_contact_hours():
    approved = Approval(ACE, "CA23456", None)
    (claim,), _ = rules.claims_for(course(approved, hours="7.5"), {ACE: ace()})
    assert claim.credit == D("0.7")  # 7.5 h at 10 h per CEC, rounded down to a tenth


def test_a_course_ace_did_not_approve_needs_a_petition():
    claims, (refusal,) = rules.claims_for(course(), {ACE: ace()})
    assert claims == ()
    assert refusal == rules.Refusal(ACE, "Not approved by ACE — petition ACE for this course.")


def test_a_completion_outside_the_approval_window_needs_a_petition():
    approved = Approval(
        ACE, "CA23456", D("0.3"), valid_from=day("2025-01-01"), valid_to=day("2026-03-01")
    )
    _, (late,) = rules.claims_for(course(approved, when="2026-03-02"), {ACE: ace()})
    assert late.reason == (
        "ACE's approval of CA23456 expired on 03/01/2026; a later completion needs a petition."
    )
    _, (early,) = rules.claims_for(course(approved, when="2024-12-31"), {ACE: ace()})
    assert "starts on 01/01/2025" in early.reason
    (on_the_day,), _ = rules.claims_for(course(approved, when="2026-03-01"), {ACE: ace()})
    assert on_the_day.credit == D("0.3")


def test_a_course_claims_for_each_certifier_that_approved_it_and_refuses_the_others():
    by_id = {ACE: ace(), NSCA: certifier("nsca")}
    claims, refusals = rules.claims_for(course(Approval(ACE, "CA23456", D("0.3"))), by_id)
    # NSCA counts live events without an approval (category A), by the contact hours.
    assert claims == (rules.Claim(ACE, D("0.3"), "courses"), rules.Claim(NSCA, D("0.3"), "A"))
    assert refusals == ()
    nasm = certifier("nasm")
    claims, refusals = rules.claims_for(
        course(Approval(ACE, "CA23456", D("0.3"))), {ACE: ace(), nasm.id: nasm}
    )
    assert [c.certifier_id for c in claims] == [ACE]
    assert refusals == (
        rules.Refusal(nasm.id, "Not approved by NASM — petition NASM for this course."),
    )


def test_activities_with_missing_facts_are_refused_for_everyone():
    def refusal(activity):
        claims, (only_refusal,) = rules.claims_for(activity, {ACE: ace()})
        assert claims == ()
        assert only_refusal.certifier_id is None
        return only_refusal

    assert refusal(Activity("cpr_aed", day("2025-05-01"))).field == "card"
    assert refusal(cpr_activity("2025-05-01", "2025-04-01")).field == "card_expires_on"
    assert refusal(Activity("college", day("2025-05-01"), grade="A")).field == "credit_hours"
    assert refusal(college("3", "Z")).field == "grade"
    assert refusal(Activity("presenting", day("2025-05-01"))).field == "certifier"
    assert refusal(Activity("extra_certification", day("2025-05-01"))).field == "program"
    assert refusal(Activity("juggling", day("2025-05-01"))).field == "kind"


# --- Shared credit across certifications ---------------------------------------------------


def test_a_credit_counts_toward_every_certification_whose_cycle_holds_its_date():
    cpt = cert(1, CPT, "2025-03-15")  # 03/15/2025 – 03/31/2027
    gfi = cert(2, GFI, "2025-09-10", name="ACE GFI")  # 09/10/2025 – 09/30/2027
    entries = [
        ace_entry("2025-06-01", "0.4", course_id=1),  # CPT only
        ace_entry("2026-01-10", "0.3", course_id=2),  # both
        ace_entry("2027-03-31", "0.2", course_id=3),  # both (CPT's last day)
    ]
    results = evaluate([cpt, gfi], entries, today="2027-03-31")
    assert only(results, 1).total == D("0.9")
    assert only(results, 2).total == D("0.5")
    later = evaluate(
        [cpt, gfi], [*entries, ace_entry("2027-05-01", "0.6", course_id=4)], today="2027-05-02"
    )
    assert only(later, 1).total == D("0.9")  # its cycle ended 03/31/2027
    assert only(later, 2).total == D("1.1")


def test_shared_credit_stays_with_the_certifiers_it_has_claims_for():
    ace_cert = cert(1, CPT, "2025-03-15")
    nsca_cert = cert(2, CSCS, "2025-06-10", of=certifier("nsca"), name="NSCA CSCS")
    entries = [
        ace_entry("2025-07-01", "0.3", course_id=1),  # ACE only
        entry("2025-07-02", (NSCA, "0.6", "A"), course_id=9),  # NSCA only
        entry("2025-07-03", (ACE, "0.2", "courses"), (NSCA, "0.2", "A"), course_id=10),  # both
    ]
    results = evaluate([ace_cert, nsca_cert], entries, today="2025-08-01")
    assert only(results, 1).total == D("0.5")
    assert only(results, 2).total == D("0.8")
    # ACE sees the course it did not approve, and says why it does not count.
    (unapproved,) = only(results, 1).not_counted
    assert unapproved.reason == "Not approved by ACE — petition ACE."


def test_current_cycles_holding_a_day():
    cpt = cert(1, CPT, "2025-03-15")
    gfi = cert(2, GFI, "2025-09-10", name="ACE GFI")
    nsca_cert = cert(3, CSCS, "2025-06-10", of=certifier("nsca"), name="NSCA CSCS")
    held = rules.current_cycles_holding([cpt, gfi, nsca_cert], day("2025-07-01"))
    assert [c.id for c, _ in held] == [1, 3]
    held = rules.current_cycles_holding([cpt, gfi, nsca_cert], day("2025-10-01"), ACE)
    assert [c.id for c, _ in held] == [1, 2]


# --- CPR/AED on the deadline, status ------------------------------------------------------


def met_entries():
    return [
        ace_entry("2025-05-01", "1.0", course_id=1),
        ace_entry("2025-06-01", "1.0", course_id=2),
    ]


def test_ready_when_met_and_a_cpr_card_is_current_on_the_deadline():
    c = cert(1, CPT, "2025-03-15")
    result = only(evaluate([c], met_entries(), today="2026-01-01"))
    assert result.met and result.cpr_required and result.cpr_ok
    assert result.shortfalls == ()
    assert result.status == Status.READY and result.can_renew
    assert result.percent == 100


def test_a_cpr_card_expiring_before_the_deadline_blocks_renewal():
    c = cert(1, CPT, "2025-03-15")  # deadline 03/31/2027
    expiring = card("2025-01-10", "2027-03-30")  # one day short
    result = only(evaluate([c], met_entries(), today="2026-01-01", cards=[expiring]))
    assert result.met
    assert not result.cpr_ok
    assert result.status == Status.ON_TRACK and not result.can_renew
    # With fewer than 90 days left it is at risk: the person cannot renew yet.
    late = only(evaluate([c], met_entries(), today="2027-01-15", cards=[expiring]))
    assert late.status == Status.AT_RISK
    on_the_day = card("2025-01-10", "2027-03-31")
    assert only(evaluate([c], met_entries(), today="2026-01-01", cards=[on_the_day])).can_renew


def test_renewing_late_a_card_current_on_the_day_of_renewal_will_do():
    c = cert(1, CPT, "2025-03-15")  # deadline 03/31/2027, grace to 09/30/2027
    renewed_card = card("2027-05-01", "2029-05-01")
    result = only(evaluate([c], met_entries(), today="2027-06-01", cards=[renewed_card]))
    assert result.cpr_ok and result.status == Status.GRACE and result.can_renew


def test_no_cpr_card_needed_when_the_certifier_does_not_require_one():
    c = cert(1, CPT, "2025-03-15")
    no_cpr = with_rules(ace(), cpr_window=CprWindow.NONE)
    result = only(
        evaluate([c], met_entries(), today="2026-01-01", cards=[], certifiers={ACE: no_cpr})
    )
    assert not result.cpr_required
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
    result = only(evaluate([c], [ace_entry("2025-05-01", "1.0")], today=today))
    assert result.status == status
    assert result.days_left == days_left
    assert result.days_past == max(-days_left, 0)
    assert result.grace_ends_on == day("2027-09-30")
    assert not result.can_renew


def test_renewal_allowed_in_grace_when_met_but_not_once_lapsed():
    c = cert(1, CPT, "2025-03-15")
    in_grace = only(evaluate([c], met_entries(), today="2027-06-01"))
    assert in_grace.status == Status.GRACE and in_grace.can_renew
    lapsed = only(evaluate([c], met_entries(), today="2027-10-01"))
    assert lapsed.status == Status.LAPSED and not lapsed.can_renew


def test_grace_is_data():
    c = cert(1, CPT, "2025-03-15")
    one_month = with_rules(ace(), grace_months=1)
    result = only(evaluate([c], [], today="2027-05-01", certifiers={ACE: one_month}))
    assert result.grace_ends_on == day("2027-04-30")
    assert result.status == Status.LAPSED


# --- Extra certification --------------------------------------------------------------------


def test_an_extra_certification_earned_in_the_cycle_meets_the_whole_requirement():
    cpt = cert(1, CPT, "2025-03-15")
    gfi = cert(2, GFI, "2026-02-01", name="ACE GFI")
    extra = ace_entry("2026-02-01", "2.0", "extra_certification", program_id=GFI)
    results = evaluate(
        [cpt, gfi], [ace_entry("2025-05-01", "0.3", course_id=1), extra], today="2026-03-01"
    )
    cpt_result = only(results, 1)
    assert cpt_result.met and cpt_result.remaining == D("0.0")
    assert cpt_result.total == D("2.3")
    assert cpt_result.counted[1].note == "Meets the whole requirement of this cycle."
    assert cpt_result.status == Status.READY
    # It is not an extra certification for the certification it is.
    gfi_result = only(results, 2)
    assert not gfi_result.met
    assert "being renewed" in gfi_result.not_counted[0].reason


def test_an_extra_certification_outside_the_cycle_does_not_count():
    cpt = cert(1, CPT, "2025-03-15")
    extra = ace_entry("2025-03-14", "2.0", "extra_certification", program_id=HC)
    result = only(evaluate([cpt], [extra], today="2026-03-01"))
    assert not result.met and result.total == D("0.0")


def test_only_one_extra_certification_counts_per_cycle():
    cpt = cert(1, CPT, "2025-03-15")
    entries = [
        ace_entry("2025-05-01", "2.0", "extra_certification", program_id=GFI),
        ace_entry("2025-06-01", "2.0", "extra_certification", program_id=HC),
    ]
    result = only(evaluate([cpt], entries, today="2026-03-01"))
    assert result.total == D("2.0")
    assert "already meets" in result.not_counted[0].reason


# --- Closed cycles ------------------------------------------------------------------------


def test_a_renewed_cycle_ignores_what_was_added_after_the_renewal():
    c = cert(
        1,
        CPT,
        "2023-03-15",
        cycle(1, "2023-03-15", "2025-03-31", renewed="2025-02-01"),
        cycle(2, "2025-04-01", "2027-03-31"),
    )
    counted = ace_entry("2024-05-01", "2.0", created_at=moment("2024-05-02"))
    late = ace_entry("2025-01-10", "0.3", course_id=5, created_at=moment("2025-02-10"))
    same_day_before = ace_entry(
        "2025-01-11", "0.1", course_id=6, created_at=moment("2025-02-01", 9)
    )
    results = evaluate([c], [counted, late], today="2025-06-01")
    past = of_cycle(results, 1)
    assert past.total == D("2.0")
    assert past.not_counted[0].reason == "Added after this cycle was renewed on 02/01/2025."
    assert rules.locking_cycle(counted, [c]).id == 1
    assert rules.locking_cycle(late, [c]) is None
    # Added on the renewal day, before the renewal (at noon): it counted, so it is locked.
    again = evaluate([c], [counted, same_day_before], today="2025-06-01")
    assert of_cycle(again, 1).total == D("2.1")
    assert rules.locking_cycle(same_day_before, [c]).id == 1


def test_an_entry_only_locks_the_cycles_of_certifiers_it_has_claims_for():
    c = cert(1, CPT, "2023-03-15", cycle(1, "2023-03-15", "2025-03-31", renewed="2025-02-01"))
    nsca_only = entry("2024-05-01", (NSCA, "1.0", "A"))
    assert rules.locking_cycle(nsca_only, [c]) is None


def test_a_frozen_cycle_shows_what_it_showed_at_renewal_whatever_the_rules_say_now():
    open_cycle = cycle(1, "2023-03-15", "2025-03-31")
    c = cert(1, CPT, "2023-03-15", open_cycle)
    entries = [
        ace_entry("2024-05-01", "1.6", course_id=1),
        ace_entry("2024-06-01", "0.3", "presenting"),
        ace_entry("2024-07-01", "0.3", "presenting"),  # 0.2 of it
        ace_entry("2024-08-01", "0.1", "mentoring"),
        ace_entry("2024-09-01", "0.4", course_id=1),  # a repeat
    ]
    before = only(evaluate([c], entries, today="2025-02-01"))
    assert before.total == D("2.2") and before.can_renew
    frozen = rules.freeze(before)
    closed = replace(open_cycle, renewed_on=day("2025-02-01"), frozen=frozen)
    renewed = cert(1, CPT, "2023-03-15", closed, cycle(2, "2025-04-01", "2027-03-31"))
    # ACE changes its rules afterwards: 3.0 required, no presenting, mentoring capped at 0.
    harsher = with_rules(ace(), required=D("3.0"), activities={}, categories=(), grace_months=0)
    after = of_cycle(evaluate([renewed], entries, today="2026-01-01", certifiers={ACE: harsher}), 1)
    assert after.status == Status.RENEWED and not after.can_renew
    assert (after.total, after.required, after.met) == (D("2.2"), D("2.0"), True)
    assert [(c.entry.id, c.credit, c.category, c.note) for c in after.counted] == [
        (c.entry.id, c.credit, c.category, c.note) for c in before.counted
    ]
    assert [(n.entry.id, n.reason) for n in after.not_counted] == [
        (n.entry.id, n.reason) for n in before.not_counted
    ]
    assert after.category_totals == before.category_totals
    assert after.grace_ends_on == before.grace_ends_on
    # Entries no longer in the ledger are left out; the totals stay as frozen.
    fewer = of_cycle(evaluate([renewed], entries[1:], today="2026-01-01"), 1)
    assert len(fewer.counted) == len(before.counted) - 1
    assert fewer.total == D("2.2")


def test_version_of_the_rules_follows_the_cycle_start():
    # ACE changes its requirement from 01/01/2026 (hypothetical): a cycle started before keeps
    # 2.0; the next one, starting 04/01/2027, needs 3.0.
    base = ace()
    newer = replace(base.rule_sets[0], id=2, effective_from=day("2026-01-01"), required=D("3.0"))
    versioned = replace(base, rule_sets=(base.rule_sets[0], newer))
    first = rules.first_cycle(versioned, day("2025-03-15"))
    second = rules.next_cycle(versioned, first)
    assert rules.requirement(versioned, day("2025-03-15"), first)[0] == D("2.0")
    assert rules.requirement(versioned, day("2025-03-15"), second)[0] == D("3.0")
    c = cert(1, CPT, "2025-03-15", replace(first, id=1))
    assert only(evaluate([c], [], today="2026-06-01", certifiers={ACE: versioned})).required == (
        D("2.0")
    )
    # Before any version: the earliest applies.
    assert versioned.rules_on(day("2001-01-01")) is base.rule_sets[0]


# --- No repeats when logging ----------------------------------------------------------------


def test_repeat_conflicts_are_per_certifier():
    acsm = certifier("acsm")
    cpt = cert(1, CPT, "2025-03-15")
    acsm_cert = cert(2, 30, "2025-01-10", of=acsm, name="ACSM CPT")
    certs = [cpt, acsm_cert]
    logged = entry("2025-05-01", (ACE, "0.3", "courses"), course_id=42)  # toward ACE only
    again = entry("2026-01-10", (ACE, "0.3", "courses"), (acsm.id, "3", "courses"), course_id=42)
    (refusal,) = rules.repeat_conflicts(entry=again, existing=[logged], certifications=certs)
    assert refusal == rules.Refusal(
        ACE,
        "Already logged on 05/01/2025 toward ACE CPT in this renewal cycle "
        "(03/15/2025–03/31/2027); the same course counts once per cycle.",
        "completion_date",
    )
    # ACSM had no claim on the earlier entry: nothing blocks it there.
    only_acsm = replace(again, claims=again.claims[1:])
    assert rules.repeat_conflicts(entry=only_acsm, existing=[logged], certifications=certs) == ()
    # The entry itself, edited, is no repeat of itself; another cycle is no repeat either.
    assert rules.repeat_conflicts(entry=logged, existing=[logged], certifications=certs) == ()
    next_cycle = replace(again, completion_date=day("2027-05-01"))
    assert rules.repeat_conflicts(entry=next_cycle, existing=[logged], certifications=certs) == ()


def test_repeat_conflicts_look_at_closed_cycles_too():
    c = cert(
        1,
        CPT,
        "2023-03-15",
        cycle(1, "2023-03-15", "2025-03-31", renewed="2025-02-01"),
        cycle(2, "2025-04-01", "2027-03-31"),
    )
    logged = ace_entry("2024-05-01", "0.3", course_id=42)
    late = ace_entry("2025-01-10", "0.3", course_id=42)
    (refusal,) = rules.repeat_conflicts(entry=late, existing=[logged], certifications=[c])
    assert "(03/15/2023–03/31/2025)" in refusal.reason


# --- What can still count -------------------------------------------------------------------


def test_room_in_a_category_and_what_a_claim_would_add():
    c = cert(1, CPT, "2025-03-15")
    result = only(evaluate([c], [ace_entry("2025-04-01", "0.3", "presenting")], today="2025-07-01"))
    assert rules.room_in(result, ace(), "presenting") == D("0.2")
    assert rules.room_in(result, ace(), "courses") is None  # no cap
    presenting = rules.Claim(ACE, D("0.4"), "presenting")
    assert rules.would_add(result, ace(), presenting, kind="presenting") == D("0.2")
    cpr = rules.Claim(ACE, D("0.6"), "cpr_aed")
    assert rules.would_add(result, ace(), cpr, kind="cpr_aed") == D("0.4")  # one card: 0.4
    college_claim = rules.Claim(ACE, D("3.0"), "college")
    assert rules.would_add(result, ace(), college_claim, kind="college") == D("2.0")
    assert rules.would_add(result, ace(), college_claim, kind="college", is_prep_course=True) == D(
        "0.5"
    )
    extra = rules.Claim(ACE, D("2.0"), "extra")
    assert rules.would_add(result, ace(), extra, kind="extra_certification") == D("2.0")
    nsca_claim = rules.Claim(NSCA, D("1.0"), "A")
    assert rules.would_add(result, ace(), nsca_claim) == D("0")


def test_nothing_more_counts_in_a_closed_cycle():
    c = cert(
        1,
        CPT,
        "2023-03-15",
        cycle(1, "2023-03-15", "2025-03-31", renewed="2025-02-01"),
        cycle(2, "2025-04-01", "2027-03-31"),
    )
    past = of_cycle(evaluate([c], [], today="2025-06-01"), 1)
    assert rules.room_in(past, ace(), "presenting") == D("0")
    assert rules.would_add(past, ace(), rules.Claim(ACE, D("0.3"), "courses")) == D("0")


# --- Cycles of a certification earned long ago ----------------------------------------------


def test_a_certification_never_renewed_gets_its_first_cycle_only():
    (first,) = rules.cycles_from(ace(), day("2019-04-10"), today=day("2026-01-01"))
    assert (first.starts_on, first.ends_on, first.renewed_on) == (
        day("2019-04-10"),
        day("2021-04-30"),
        None,
    )


def test_cycles_from_a_last_renewal():
    # Earned 04/10/2019: cycles 04/10/2019–04/30/2021, 05/01/2021–04/30/2023,
    # 05/01/2023–04/30/2025 … A renewal on 03/01/2023 closed the second.
    renewed, following = rules.cycles_from(
        ace(), day("2019-04-10"), last_renewed_on=day("2023-03-01"), today=day("2026-01-01")
    )
    assert (renewed.starts_on, renewed.ends_on) == (day("2021-05-01"), day("2023-04-30"))
    assert renewed.renewed_on == day("2023-03-01") and renewed.renewed_outside
    assert (following.starts_on, following.ends_on) == (day("2023-05-01"), day("2025-04-30"))
    assert following.renewed_on is None
    # Renewed in the grace period (to 10/31/2023): still the second cycle, the earliest whose
    # window holds the date.
    late, _ = rules.cycles_from(
        ace(), day("2019-04-10"), last_renewed_on=day("2023-06-15"), today=day("2026-01-01")
    )
    assert late.ends_on == day("2023-04-30")


@pytest.mark.parametrize(
    ("renewed", "words"),
    [("2019-04-09", "cannot come before"), ("2026-01-02", "cannot be in the future")],
)
def test_cycles_from_refuses_impossible_renewal_dates(renewed, words):
    with pytest.raises(ValueError, match=words):
        rules.cycles_from(
            ace(), day("2019-04-10"), last_renewed_on=day(renewed), today=day("2026-01-01")
        )


# --- In words -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("0.3", "0.3 CEC"),
        ("1", "1.0 CEC"),
        ("1.0", "1.0 CEC"),
        ("2", "2.0 CECs"),
        ("0", "0.0 CECs"),
        ("0.25", "0.25 CEC"),
    ],
)
def test_amount(value, text):
    assert rules.amount(D(value), ace().unit) == text


def test_amount_in_another_unit():
    assert rules.amount(D("15"), certifier("afaa").unit) == "15.0 CEUs"


def test_claims_line_groups_certifications_by_certifier():
    afaa = certifier("afaa")
    certs = [
        cert(1, CPT, "2025-03-15", name="ACE CPT"),
        cert(2, GFI, "2025-03-15", name="ACE GFI"),
        cert(3, 40, "2025-03-15", of=afaa, name="AFAA CGFI"),
    ]
    claims = [rules.Claim(ACE, D("0.3"), "courses"), rules.Claim(afaa.id, D("3"), "A")]
    line = rules.claims_line(claims, certs, {ACE: ace(), afaa.id: afaa})
    assert line == "+0.3 CEC to ACE CPT and ACE GFI; +3.0 CEUs to AFAA CGFI"
    three = [*certs[:2], cert(4, HC, "2025-03-15", name="ACE HC")]
    assert rules.claims_line(claims[:1], three, {ACE: ace()}) == (
        "+0.3 CEC to ACE CPT, ACE GFI and ACE HC"
    )


def test_refusal_lines():
    nsca = certifier("nsca")
    lines = rules.refusal_lines(
        [
            rules.Refusal(ACE, "Not approved by ACE — petition ACE for this course."),
            rules.Refusal(nsca.id, "Enter the credit in CEUs.", "credit"),
            rules.Refusal(None, "Enter the course's college credit hours."),
            rules.Refusal(ACE, "Not approved by ACE — petition ACE for this course."),
        ],
        {ACE: ace(), nsca.id: nsca},
    )
    assert lines == [
        "Enter the course's college credit hours.",
        "Not approved by ACE — petition ACE for this course.",
        "NSCA: Enter the credit in CEUs.",
    ]


def test_activity_help():
    rule_set = ace().rule_sets[0]
    assert rules.activity_help(ace(), rule_set, "presenting") == (
        "Presenting counts at most 0.5 CEC per cycle."
    )
    assert rules.activity_help(ace(), rule_set, "college") == (
        "College course: 1.0 CEC per credit hour, grade C or better, at most 2.0 CECs "
        "(a prep course at most 0.5 CEC)."
    )
    assert rules.activity_help(ace(), rule_set, "cpr_aed") == (
        "CPR/AED renewal: 0.2 CEC per year of the card, at most 0.4 CEC per cycle."
    )
    assert rules.activity_help(ace(), rule_set, "live_event") == (
        "Other course or live event does not count toward ACE renewal."
    )


def test_rule_set_lines_summarise_the_rules():
    lines = rules.rule_set_lines(ace(), ace().rule_sets[0])
    assert lines[:3] == [
        "Unit: CEC (10 contact hours = 1.0 CEC).",
        "Cycle: 24 months from the date earned, ending on the last day of the month earned.",
        "Requirement: 2.0 CECs per cycle, for cycles starting on or after 05/01/2013.",
    ]
    assert "Presenting: at most 0.5 CEC per cycle." in lines
    assert "Publishing: 0.5 CEC." in lines
    assert lines[-2:] == [
        "CPR/AED: a card current on the deadline (renewing late: on the day of renewal).",
        "Grace: 6 months after the deadline.",
    ]


def test_us_dates():
    assert rules.us_date(day("2026-03-01")) == "03/01/2026"


# --- Rules an admin cannot save -------------------------------------------------------------


def test_the_seeded_rules_have_no_problems():
    for code in ("ace", "nasm", "afaa", "acsm", "nsca", "issa", "aea"):
        assert rules.problems(certifier(code)) == [], code


def test_problems_name_what_is_wrong():
    broken = with_activity(ace(), "presenting", category="talks", entry_cap=D("-1"))
    broken = with_rules(broken, required=D("-2.0"), min_categories=12)
    broken = replace(
        broken,
        unit=replace(broken.unit, hours_per_unit=D("0")),
        course_number_pattern="(CA",
    )
    found = rules.problems(broken)
    assert "Contact hours per unit must be more than zero." in found
    assert any(p.startswith("The course number pattern is not a valid") for p in found)
    assert "The requirement is below zero (-2.0)." in found
    assert "Presenting counts in category 'talks', which is not defined." in found
    assert "Presenting's cap per activity is below zero (-1)." in found
    assert (
        "Credit from 12 categories is required, but only 9 categories count as distinct." in found
    )


def test_two_rules_for_one_kind_are_a_problem():
    base = ace()
    rule_set = base.rule_sets[0]
    activities = {**rule_set.activities, "talks": rule_set.activities["presenting"]}
    twice = replace(base, rule_sets=(replace(rule_set, activities=activities),))
    assert rules.problems(twice) == [
        "Presenting has 2 rules; one per kind.",
        "The rule filed under 'talks' is for Presenting.",
    ]


def test_problems_of_fixed_cycles_and_pro_rating_tables():
    nsca = certifier("nsca")
    rule_set = nsca.rule_sets[0]
    before, first, second, third, last = rule_set.bands
    gap = replace(nsca, rule_sets=(replace(rule_set, bands=(before, first, third, last)),))
    assert rules.problems(gap) == ["Months 12–24 of the period are in no row."]
    overlap = replace(
        nsca,
        rule_sets=(
            replace(rule_set, bands=(before, first, replace(second, from_month=10), third, last)),
        ),
    )
    assert rules.problems(overlap) == ["Months 10–12 of the period are in two rows."]
    short = replace(nsca, rule_sets=(replace(rule_set, bands=(before, first, second, third)),))
    assert rules.problems(short) == ["Months 30–36 of the period are in no row."]
    headless = replace(nsca, rule_sets=(replace(rule_set, bands=(first, second, third, last)),))
    assert rules.problems(headless) == [
        "The pro-rating table needs exactly one row for people certified before the period "
        "(it has 0)."
    ]
    unknown = replace(
        nsca,
        rule_sets=(
            replace(
                rule_set,
                bands=(replace(before, category_caps={"E": D("1")}), first, second, third, last),
            ),
        ),
    )
    assert rules.problems(unknown) == [
        "The row before the period caps category 'E', which is not defined."
    ]
    no_start = replace(nsca, fixed_start=None)
    assert "Fixed cycles need the first day of one period." in rules.problems(no_start)


def test_problems_with_minimum_shares():
    nasm = certifier("nasm")
    too_much = with_rules(nasm, required=D("0.05"))
    assert rules.problems(too_much) == [
        "The categories' minimums (0.1) add up to more than the requirement (0.05)."
    ]


def test_effective_date_problems():
    renewed = cycle(1, "2024-01-01", "2026-12-31", renewed="2026-11-01")
    still_open = cycle(2, "2027-01-01", "2029-12-31")
    assert rules.effective_date_problems(day("2024-01-02"), [renewed, still_open]) == []
    (problem,) = rules.effective_date_problems(day("2024-01-01"), [renewed, still_open])
    assert problem == (
        "Rules from 01/01/2024 would apply to cycles already renewed (01/01/2024–12/31/2026); "
        "a renewed cycle keeps its rules. Choose a date after 01/01/2024."
    )


def test_good_card_covers_the_tests():
    assert GOOD_CARD.current_on(day("2027-03-31"))
