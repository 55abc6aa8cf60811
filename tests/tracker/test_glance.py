"""One glance at a certification, read off the rules' result: status, what is still needed in
the certifier's unit, by when, and the single next step; and its timeline. Pure: no database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.tracker.rules_builders import (
    AFAA,
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

# ACE CPT earned 03/15/2024: its first cycle runs to 03/31/2026, grace to 09/30/2026.
CPT = cert(1, 10, "2024-03-15")
NO_CARD = ()


def look(entries=(), *, today, cards=None, certification=CPT):
    kwargs = {} if cards is None else {"cards": cards}
    result = only(evaluate([certification], list(entries), today=today, **kwargs))
    return rules.glance(result)


def test_on_track_says_what_is_left_by_the_deadline_and_to_log_a_course():
    g = look([ace_entry("2024-06-01", "1.9")], today="2025-01-10")
    assert g.status == rules.Status.ON_TRACK
    assert g.line == "ACE CPT: 0.1 CEC to go by 03/31/2026."
    assert g.step == rules.Step.LOG_CREDIT
    assert g.step_label == "Log a course"


def test_at_risk_inside_the_last_ninety_days():
    g = look([ace_entry("2024-06-01", "1.0")], today="2026-02-01")
    assert g.status == rules.Status.AT_RISK
    assert g.status_label == "At risk"
    assert g.needed == "1.0 CEC"
    assert g.step == rules.Step.LOG_CREDIT


def test_ready_to_renew_when_credit_and_card_are_there():
    g = look([ace_entry("2024-06-01", "2.0")], today="2025-06-01")
    assert g.status == rules.Status.READY
    assert g.needed == ""
    assert g.line == "ACE CPT: requirements met — renew by 03/31/2026."
    assert g.step == rules.Step.RECORD_RENEWAL


def test_credit_met_but_no_current_card_asks_to_renew_cpr():
    g = look([ace_entry("2024-06-01", "2.0")], today="2025-06-01", cards=NO_CARD)
    assert g.status == rules.Status.ON_TRACK
    assert g.needed == "a current CPR/AED card"
    assert g.step == rules.Step.RENEW_CPR
    assert g.step_label == "Renew CPR/AED"


def test_missing_credit_and_card_are_both_named_and_credit_comes_first():
    expired = card("2020-01-01", "2021-01-01")
    g = look([ace_entry("2024-06-01", "1.5")], today="2025-06-01", cards=[expired])
    assert g.line == "ACE CPT: 0.5 CEC and a current CPR/AED card to go by 03/31/2026."
    assert g.step == rules.Step.LOG_CREDIT


def test_in_grace_the_date_is_the_end_of_the_grace_period():
    g = look([ace_entry("2024-06-01", "0.5")], today="2026-05-01")
    assert g.status == rules.Status.GRACE
    assert g.by == day("2026-09-30")
    assert g.line == "ACE CPT: 1.5 CECs to go by 09/30/2026."


def test_met_in_grace_is_recorded_as_a_late_renewal():
    g = look([ace_entry("2024-06-01", "2.0")], today="2026-05-01")
    assert g.status == rules.Status.GRACE
    assert g.step == rules.Step.RECORD_RENEWAL
    assert "end of the grace period" in g.line


def test_lapsed_says_when_grace_ended():
    g = look([ace_entry("2024-06-01", "2.0")], today="2026-10-01")
    assert g.status == rules.Status.LAPSED
    assert g.line == "ACE CPT: lapsed — the grace period ended on 09/30/2026."
    assert g.step == rules.Step.RECORD_RENEWAL


def test_credit_beyond_the_requirement_is_named_and_drawn_apart():
    g = look([ace_entry("2024-06-01", "1.5"), ace_entry("2024-07-01", "1.0")], today="2025-06-01")
    assert g.beyond == "0.5 CEC"
    assert g.filled == 80.0 and g.extra == 20.0


def test_the_unit_is_the_certifiers():
    afaa = certifier("afaa")
    category = afaa.rule_sets[0].activities["approved_course"].category
    certification = cert(2, 20, "2024-03-15", of=afaa, name="AFAA GFI")
    g = look(
        [entry("2024-06-01", (AFAA, "10", category))],
        today="2025-01-10",
        certification=certification,
    )
    assert g.needed.endswith("CEUs")
    assert g.line.startswith("AFAA GFI: 5.0 CEUs to go by ")


@given(
    total=st.decimals(min_value=Decimal("0.1"), max_value=Decimal("4.0"), places=1),
    days=st.integers(min_value=0, max_value=1000),
)
def test_every_status_has_a_word_a_date_and_one_step(total, days):
    import datetime

    today = (day("2024-03-20") + datetime.timedelta(days=days)).isoformat()
    g = look([ace_entry("2024-03-16", str(total))], today=today)
    assert g.status_label in rules.STATUS_LABELS.values()
    assert g.by is not None and g.by.strftime("%m/%d/%Y") in g.line
    assert g.step != rules.Step.NONE
    # The bar never draws more than its width; what is beyond is said in words too.
    assert g.filled + g.extra == pytest.approx(100.0, abs=0.02) or g.extra == 0
    assert bool(g.beyond) == (total > 2)


def test_timeline_past_current_grace_next_and_today():
    past = cycle(1, "2022-03-15", "2024-03-31", renewed="2024-02-01")
    current = cycle(2, "2024-04-01", "2026-03-31")
    certification = cert(1, 10, "2022-03-15", past, current)
    results = evaluate([certification], [ace_entry("2024-06-01", "1.0")], today="2025-04-01")
    current_result = only(results)
    past_results = [r for r in results if not r.is_current]
    line = rules.timeline(past_results, current_result, certifier("ace"), day("2025-04-01"))
    kinds = [s.kind for s in line.spans]
    assert kinds == ["past", "current", "grace", "next"]
    grace, following = line.spans[2], line.spans[3]
    assert (grace.starts_on, grace.ends_on) == (day("2026-04-01"), day("2026-09-30"))
    assert (following.starts_on, following.ends_on) == (day("2026-04-01"), day("2028-03-31"))
    assert line.spans[0].label == "renewed 02/01/2024"
    # Today sits inside the current cycle's span on the drawing.
    cur = line.spans[1]
    assert cur.left < line.today_at < cur.left + cur.width
    assert line.today_in == cur
    assert line.spans[0].left == 0 and line.spans[-1].left + line.spans[-1].width == 100


def test_timeline_shows_today_in_grace_after_the_deadline():
    results = evaluate([CPT], [], today="2026-05-01")
    line = rules.timeline([], only(results), certifier("ace"), day("2026-05-01"))
    grace = next(s for s in line.spans if s.kind == "grace")
    assert grace.left < line.today_at < grace.left + grace.width
    assert line.today_in == grace
