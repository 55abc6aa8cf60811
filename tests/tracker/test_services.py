"""Services and selectors against the database: the rules, through the rows."""

import datetime
import threading
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from catalog.models import Course
from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import ConferenceFactory, CourseFactory, SessionFactory
from tests.petitions.factories import PetitionFactory
from tests.tracker.factories import CprCardFactory
from tracker import rulebook, rules, selectors, services
from tracker.models import (
    ActivityRule,
    Certifier,
    CreditEntry,
    Cycle,
    Kind,
    Program,
)
from tracker.rules import Status

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = datetime.date(2026, 5, 20)


def day(text):
    return datetime.date.fromisoformat(text)


@pytest.fixture
def cpt_holder(professional, cpt):
    """ACE CPT earned 03/15/2025: cycle 03/15/2025 – 03/31/2027."""
    services.certification_add(
        user=professional, program=cpt, earned_on=day("2025-03-15"), today=TODAY
    )
    CprCardFactory(user=professional, issued_on=day("2025-06-01"), expires_on=day("2027-06-01"))
    return professional


def add(user, **kwargs):
    kwargs.setdefault("today", TODAY)
    return services.credit_add(user=user, **kwargs)


def current(user, today=TODAY, program=None):
    view = selectors.snapshot(user, today=today)
    found = [
        r
        for r in view.results
        if r.is_current and (program is None or r.certification.program_id == program.pk)
    ]
    assert len(found) == 1
    return found[0]


# --- Certifications and cycles ------------------------------------------------------------


def test_certification_add_opens_the_first_cycle(professional, cpt):
    cert = services.certification_add(
        user=professional, program=cpt, earned_on=day("2025-03-15"), number=" 123 ", today=TODAY
    )
    (cycle,) = cert.cycles.all()
    assert (cycle.starts_on, cycle.ends_on) == (day("2025-03-15"), day("2027-03-31"))
    assert current(professional).required == D("2.0")
    assert cert.number == "123"


def test_certification_add_refuses_a_future_date_and_a_second_copy(professional, cpt):
    with pytest.raises(ValidationError, match="future"):
        services.certification_add(
            user=professional, program=cpt, earned_on=day("2026-05-21"), today=TODAY
        )
    services.certification_add(
        user=professional, program=cpt, earned_on=day("2025-03-15"), today=TODAY
    )
    with pytest.raises(ValidationError, match="already hold"):
        services.certification_add(
            user=professional, program=cpt, earned_on=day("2025-04-15"), today=TODAY
        )


def test_a_certification_earned_long_ago_is_lapsed_unless_a_renewal_is_recorded(professional, cpt):
    """The portal never assumes a renewal (DOMAIN.md, grace period: the certification is not
    extended). Earned 04/10/2024, deadline 04/30/2026, grace to 10/31/2026; today 12/02/2026."""
    today = day("2026-12-02")
    cert = services.certification_add(
        user=professional, program=cpt, earned_on=day("2024-04-10"), today=today
    )
    (cycle,) = cert.cycles.all()
    assert (cycle.starts_on, cycle.ends_on) == (day("2024-04-10"), day("2026-04-30"))
    assert current(professional, today=today).status == Status.LAPSED
    assert current(professional, today=day("2026-09-01")).status == Status.GRACE
    # Recording the renewal done with ACE moves it on to the cycle running now.
    following = services.cycle_record_renewal(
        certification=cert, renewed_on=day("2026-04-20"), actor=professional, today=today
    )
    assert (following.starts_on, following.ends_on) == (day("2026-05-01"), day("2028-04-30"))
    assert current(professional, today=today).status == Status.ON_TRACK
    closed = cert.cycles.get(pk=cycle.pk)
    assert closed.renewed_on == day("2026-04-20") and closed.renewed_outside
    assert closed.frozen_result is not None


def test_a_last_renewal_date_lays_out_the_cycles(professional, cpt):
    # Earned 03/15/2019: cycles end 03/2021, 03/2023, 03/2025, 03/2027; renewed 02/20/2025.
    cert = services.certification_add(
        user=professional,
        program=cpt,
        earned_on=day("2019-03-15"),
        last_renewed_on=day("2025-02-20"),
        today=TODAY,
    )
    closed, current_cycle = cert.cycles.order_by("starts_on")
    assert (closed.starts_on, closed.ends_on) == (day("2023-04-01"), day("2025-03-31"))
    assert closed.renewed_on == day("2025-02-20") and closed.renewed_outside
    assert (current_cycle.starts_on, current_cycle.ends_on) == (
        day("2025-04-01"),
        day("2027-03-31"),
    )
    assert current(professional).status == Status.ON_TRACK


@pytest.mark.parametrize(
    ("earned", "renewed", "message"),
    [("2024-04-10", "2024-01-01", "before"), ("2024-04-10", "2026-06-01", "future")],
)
def test_a_last_renewal_date_before_earning_or_in_the_future_is_refused(
    professional, cpt, earned, renewed, message
):
    with pytest.raises(ValidationError, match=message):
        services.certification_add(
            user=professional,
            program=cpt,
            earned_on=day(earned),
            last_renewed_on=day(renewed),
            today=TODAY,
        )
    assert not professional.certifications.exists()


def test_cycle_renew_only_when_ready_then_next_cycle_the_day_after(cpt_holder):
    cert = cpt_holder.certifications.get()
    with pytest.raises(ValidationError, match="2.0 CECs still to earn"):
        services.cycle_renew(certification=cert, on=TODAY)
    add(
        cpt_holder,
        kind=Kind.COLLEGE,
        title="Anatomy",
        credit_hours=D("2"),
        grade="B",
        completion_date=day("2026-01-10"),
    )
    new = services.cycle_renew(certification=cert, on=TODAY)
    old = cert.cycles.get(starts_on=day("2025-03-15"))
    assert old.renewed_on == TODAY
    assert (new.starts_on, new.ends_on) == (day("2027-04-01"), day("2029-03-31"))
    with pytest.raises(ValidationError):
        services.cycle_renew(certification=cert, on=TODAY)


def test_cycle_renew_needs_a_cpr_card_current_on_the_deadline(professional, cpt):
    cert = services.certification_add(
        user=professional, program=cpt, earned_on=day("2025-03-15"), today=TODAY
    )
    CprCardFactory(user=professional, issued_on=day("2025-03-01"), expires_on=day("2027-03-30"))
    add(
        professional,
        kind=Kind.EXTRA_CERTIFICATION,
        program=Program.objects.get(name="Health Coach"),
        completion_date=day("2026-02-01"),
    )
    with pytest.raises(ValidationError, match="CPR/AED"):
        services.cycle_renew(certification=cert, on=TODAY)


def test_cycle_renew_in_grace_but_not_once_lapsed(cpt_holder):
    cert = cpt_holder.certifications.get()
    add(
        cpt_holder,
        kind=Kind.COLLEGE,
        title="Anatomy",
        credit_hours=D("2"),
        grade="A",
        completion_date=day("2026-01-10"),
    )
    with pytest.raises(ValidationError, match="lapsed"):
        services.cycle_renew(certification=cert, on=day("2027-10-01"))
    new = services.cycle_renew(certification=cert, on=day("2027-09-30"))
    assert new.starts_on == day("2027-04-01")  # the day after the old end, not the renewal date


# --- The ledger ------------------------------------------------------------------------------


def test_credit_add_course_takes_the_course_value_and_is_audited(cpt_holder):
    course = CourseFactory(number="CA23456", cec_value=D("0.3"))
    entry = add(
        cpt_holder,
        kind=Kind.APPROVED_COURSE,
        course=course,
        completion_date=day("2026-04-01"),
        credit=D("9.9"),
    )
    assert entry.credit == D("0.3")
    assert [(c.certifier.code, c.credit) for c in entry.claims.all()] == [("ace", D("0.3"))]
    change = entry.history.get()
    assert change.history_type == "+" and change.credit == D("0.3")
    assert change.course == course and change.history_user == cpt_holder


@pytest.mark.parametrize(
    ("status", "says"),
    [(Course.Status.PENDING, "not an approved course"), (Course.Status.RETIRED, "not an approved")],
)
def test_only_approved_courses(cpt_holder, status, says):
    course = CourseFactory(status=status)
    with pytest.raises(ValidationError, match=says):
        add(cpt_holder, kind=Kind.APPROVED_COURSE, course=course, completion_date=day("2026-04-01"))


def test_a_completion_outside_the_approval_window_needs_a_petition(cpt_holder):
    course = CourseFactory(approved_on=day("2024-01-01"), expires_on=day("2025-12-31"))
    with pytest.raises(ValidationError, match="petition"):
        add(cpt_holder, kind=Kind.APPROVED_COURSE, course=course, completion_date=day("2026-01-01"))
    assert add(
        cpt_holder, kind=Kind.APPROVED_COURSE, course=course, completion_date=day("2025-12-31")
    )


def test_conference_sessions_must_belong_to_the_event(cpt_holder):
    event = ConferenceFactory()
    stranger = SessionFactory()
    with pytest.raises(ValidationError, match="not part of this event"):
        add(
            cpt_holder,
            kind=Kind.CONFERENCE,
            course=event,
            sessions=[stranger],
            completion_date=day("2026-04-01"),
        )
    with pytest.raises(ValidationError, match="Tick the sessions"):
        add(cpt_holder, kind=Kind.CONFERENCE, course=event, completion_date=day("2026-04-01"))


def test_cpr_credit_comes_from_the_card(cpt_holder):
    card = cpt_holder.cpr_cards.get()
    entry = add(
        cpt_holder,
        kind=Kind.CPR_AED,
        cpr_card=card,
        completion_date=card.issued_on,
        credit=D("1.0"),
    )
    assert entry.credit == D("0.4")
    with pytest.raises(ValidationError, match="(?i)already logged"):
        add(cpt_holder, kind=Kind.CPR_AED, cpr_card=card, completion_date=card.issued_on)
    someone_elses = CprCardFactory()
    with pytest.raises(ValidationError, match="one of your"):
        add(
            cpt_holder, kind=Kind.CPR_AED, cpr_card=someone_elses, completion_date=day("2026-04-01")
        )


@pytest.mark.parametrize(("years", "expected"), [(1, "0.2"), (2, "0.4"), (3, "0.4"), (5, "0.4")])
def test_cpr_credit_is_never_more_than_a_two_year_card(cpt_holder, years, expected):
    """ACE: 0.2 for a one-year card, 0.4 for a two-year card; a longer card earns no more."""
    issued = day("2026-03-01")
    card = CprCardFactory(
        user=cpt_holder, issued_on=issued, expires_on=issued.replace(year=2026 + years)
    )
    entry = add(cpt_holder, kind=Kind.CPR_AED, cpr_card=card, completion_date=issued)
    assert entry.credit == D(expected)


def test_college_credit(cpt_holder):
    kwargs = {"kind": Kind.COLLEGE, "title": "Kinesiology", "completion_date": day("2026-01-10")}
    assert add(cpt_holder, credit_hours=D("3"), grade="a-", **kwargs).credit == D("2.0")
    assert add(
        cpt_holder, credit_hours=D("3"), grade="C", is_prep_course=True, **kwargs
    ).credit == D("0.5")
    with pytest.raises(ValidationError, match="grade of C or better"):
        add(cpt_holder, credit_hours=D("3"), grade="D", **kwargs)
    with pytest.raises(ValidationError, match="letter grade"):
        add(cpt_holder, credit_hours=D("3"), grade="Z", **kwargs)


def test_fixed_values_ignore_a_typed_credit(cpt_holder):
    entry = add(
        cpt_holder,
        kind=Kind.BROADENING,
        title="NSCA CSCS",
        credit=D("3.0"),
        completion_date=day("2026-01-10"),
    )
    assert entry.credit == D("0.5")


@pytest.mark.parametrize(
    ("credit", "says"),
    [
        (D("0"), "more than 0"),
        (D("-0.5"), "more than 0"),
        (D("0.25"), "tenths"),
        (None, "Enter the"),
    ],
)
def test_stated_credit_must_be_tenths_above_zero(cpt_holder, credit, says):
    with pytest.raises(ValidationError, match=says):
        add(
            cpt_holder,
            kind=Kind.PRESENTING,
            title="Talk",
            credit=credit,
            completion_date=day("2026-01-10"),
        )
    assert not CreditEntry.objects.exists()


def test_future_completion_is_refused(cpt_holder):
    with pytest.raises(ValidationError, match="future"):
        add(
            cpt_holder,
            kind=Kind.PRESENTING,
            title="Talk",
            credit=D("0.1"),
            completion_date=day("2026-05-21"),
        )


def test_an_extra_certification_must_be_of_the_same_certifier(cpt_holder):
    stranger = Program.objects.get(certifier__code="nasm", abbreviation="CPT")
    with pytest.raises(ValidationError):
        add(
            cpt_holder,
            kind=Kind.EXTRA_CERTIFICATION,
            program=stranger,
            certifier=Certifier.objects.get(code="ace"),
            completion_date=day("2026-01-10"),
        )


def test_a_kind_the_certifier_does_not_count_is_refused(cpt_holder):
    ActivityRule.objects.filter(rule_set__certifier__code="ace", kind=Kind.MENTORING).delete()
    with pytest.raises(ValidationError, match="does not count toward ACE renewal"):
        add(
            cpt_holder,
            kind=Kind.MENTORING,
            title="Club",
            credit=D("0.1"),
            completion_date=day("2026-01-10"),
        )


def test_the_same_course_again_in_the_next_cycle_is_fine(cpt_holder):
    course = CourseFactory(cec_value=D("2.0"))
    add(cpt_holder, kind=Kind.APPROVED_COURSE, course=course, completion_date=day("2026-01-10"))
    with pytest.raises(ValidationError, match="counts once per cycle"):
        add(cpt_holder, kind=Kind.APPROVED_COURSE, course=course, completion_date=day("2026-02-10"))
    cert = cpt_holder.certifications.get()
    services.cycle_renew(certification=cert, on=TODAY)
    later = day("2027-05-01")
    again = add(
        cpt_holder, kind=Kind.APPROVED_COURSE, course=course, completion_date=later, today=later
    )
    assert current(cpt_holder, today=later).total == D("2.0")
    assert again.pk


def test_petition_credit_enters_the_ledger_once(cpt_holder):
    petition = PetitionFactory(user=cpt_holder, completion_date=day("2026-04-01"))
    kwargs = {
        "user": cpt_holder,
        "kind": Kind.PETITION,
        "completion_date": petition.completion_date,
        "credit": D("0.5"),
        "title": petition.course_title,
        "source": CreditEntry.Source.PETITION,
        "petition": petition,
        "actor": ProfessionalFactory(),
    }
    with transaction.atomic():
        entry = services.credit_add(**kwargs)
    again = services.credit_add(**kwargs)
    assert entry.pk == again.pk and CreditEntry.objects.count() == 1
    assert entry.title == petition.course_title
    assert current(cpt_holder).total == D("0.5")
    with pytest.raises(ValidationError, match="petition"):
        services.credit_update(entry=entry, actor=cpt_holder, note="mine")
    with pytest.raises(ValidationError, match="petition"):
        services.credit_delete(entry=entry, actor=cpt_holder)
    with pytest.raises(ValidationError, match="approved petition"):
        add(cpt_holder, kind=Kind.PETITION, credit=D("0.5"), completion_date=day("2026-04-01"))


def test_a_submission_token_makes_credit_add_idempotent(cpt_holder):
    token = uuid.uuid4()
    kwargs = {"kind": Kind.PRESENTING, "credit": D("0.2"), "completion_date": day("2026-04-01")}
    a = add(cpt_holder, submission_token=token, **kwargs)
    b = add(cpt_holder, submission_token=str(token), **kwargs)
    assert a.pk == b.pk and CreditEntry.objects.count() == 1
    with pytest.raises(ValidationError, match="already been used"):
        add(ProfessionalFactory(), submission_token=token, **kwargs)


def test_certificates_are_checked_and_stored_under_a_random_name(cpt_holder):
    pdf = SimpleUploadedFile("../../etc/My Cert.pdf", b"%PDF-1.4 broken", "application/pdf")
    with pytest.raises(ValidationError, match="not a complete PDF"):
        add(
            cpt_holder,
            kind=Kind.PRESENTING,
            credit=D("0.2"),
            completion_date=day("2026-04-01"),
            certificate=pdf,
        )
    from tests.tracker.test_views import png_bytes

    png = SimpleUploadedFile("../My Cert.png", png_bytes(), "image/png")
    entry = add(
        cpt_holder,
        kind=Kind.PRESENTING,
        credit=D("0.2"),
        completion_date=day("2026-04-01"),
        certificate=png,
    )
    assert entry.certificate_name == "My Cert.png"
    assert "My Cert" not in entry.certificate.name and entry.certificate.name.endswith(".png")


def test_update_and_delete_are_audited_and_refused_in_a_renewed_cycle(cpt_holder):
    talk = add(
        cpt_holder,
        kind=Kind.PRESENTING,
        title="Talk",
        credit=D("0.2"),
        completion_date=day("2026-01-10"),
    )
    services.credit_update(
        entry=talk, actor=cpt_holder, credit=D("0.4"), title="Keynote", today=TODAY
    )
    change = talk.history.get(history_type="~")
    assert (change.prev_record.credit, change.credit) == (D("0.2"), D("0.4"))
    assert change.title == "Keynote" and change.history_user == cpt_holder
    with pytest.raises(ValidationError, match="at most 0.5"):
        services.credit_update(entry=talk, actor=cpt_holder, credit=D("0.6"), today=TODAY)
    add(
        cpt_holder,
        kind=Kind.COLLEGE,
        title="Anatomy",
        credit_hours=D("2"),
        grade="B",
        completion_date=day("2026-01-10"),
    )
    services.cycle_renew(certification=cpt_holder.certifications.get(), on=TODAY)
    with pytest.raises(ValidationError, match="read-only"):
        services.credit_update(entry=talk, actor=cpt_holder, note="x", today=TODAY)
    with pytest.raises(ValidationError, match="read-only"):
        services.credit_delete(entry=talk, actor=cpt_holder)
    assert CreditEntry.objects.filter(pk=talk.pk).exists()


def test_an_entry_added_after_renewal_into_the_old_window_is_editable_but_does_not_count(
    cpt_holder,
):
    add(
        cpt_holder,
        kind=Kind.COLLEGE,
        title="Anatomy",
        credit_hours=D("2"),
        grade="B",
        completion_date=day("2026-01-10"),
    )
    cert = cpt_holder.certifications.get()
    services.cycle_renew(certification=cert, on=day("2026-05-01"))
    late = add(
        cpt_holder,
        kind=Kind.PRESENTING,
        title="Late",
        credit=D("0.2"),
        completion_date=day("2026-04-01"),
    )
    view = selectors.snapshot(cpt_holder, today=TODAY)
    past = next(r for r in view.results if not r.is_current)
    assert past.total == D("2.0")
    assert [n.entry.id for n in past.not_counted] == [late.pk]
    assert selectors.entry_lock(late) is None
    services.credit_delete(entry=late, actor=cpt_holder)
    deleted = CreditEntry.history.get(id=late.pk, history_type="-")
    assert deleted.title == "Late" and deleted.history_user == cpt_holder


def test_moving_an_entry_into_a_renewed_cycle_is_refused(cpt_holder, gfi):
    add(
        cpt_holder,
        kind=Kind.COLLEGE,
        title="Anatomy",
        credit_hours=D("2"),
        grade="B",
        completion_date=day("2026-01-10"),
    )
    services.cycle_renew(certification=cpt_holder.certifications.get(), on=day("2026-05-01"))
    outside = add(
        cpt_holder,
        kind=Kind.PRESENTING,
        title="Old",
        credit=D("0.2"),
        completion_date=day("2025-01-10"),
    )
    with pytest.raises(ValidationError, match="renewed on"):
        services.credit_update(
            entry=outside, actor=cpt_holder, completion_date=day("2026-02-01"), today=TODAY
        )


# --- Selectors --------------------------------------------------------------------------------


def test_current_cycles_on(cpt_holder, gfi, hc):
    services.certification_add(
        user=cpt_holder, program=gfi, earned_on=day("2026-01-05"), today=TODAY
    )
    cert = services.certification_add(
        user=cpt_holder, program=hc, earned_on=day("2025-01-05"), today=TODAY
    )
    Cycle.objects.filter(certification=cert).update(renewed_on=day("2026-01-01"))
    Cycle.objects.create(
        certification=cert,
        starts_on=day("2027-02-01"),
        ends_on=day("2029-01-31"),
    )
    found = selectors.current_cycles_on(cpt_holder, day("2026-02-01"))
    assert sorted(c.program.name for c, _cy in found) == [
        "Certified Personal Trainer",
        "Group Fitness Instructor",
    ]
    assert all(
        isinstance(cy, Cycle) and cy.starts_on <= day("2026-02-01") <= cy.ends_on
        for _c, cy in found
    )
    assert [
        c.program.name for c, _ in selectors.current_cycles_on(cpt_holder, day("2025-12-31"))
    ] == ["Certified Personal Trainer"]
    assert selectors.current_cycles_on(ProfessionalFactory(), TODAY) == []


def test_suggested_credit(ace):
    data = rulebook.certifier_data(ace)

    def suggested(kind, **facts):
        return rules.suggested_credit(data, kind, TODAY, **facts)

    assert suggested(Kind.PETITION, contact_hours=D("5")) == D("0.5")
    assert suggested(Kind.COLLEGE, credit_hours=D("1"), grade="B") == D("1.0")
    assert suggested(Kind.COLLEGE, credit_hours=D("4"), grade="B") == D("2.0")
    assert suggested(Kind.COLLEGE, credit_hours=D("4"), grade="B", is_prep_course=True) == D("0.5")
    assert suggested(Kind.COLLEGE, credit_hours=D("4"), grade="D") is None
    assert suggested(Kind.BROADENING) == D("0.5")


def test_nsca_by_its_data_fixed_period_prorated_two_categories(cpt_holder, ace):
    """NSCA from the seeded rows: fixed 2024–2026 period, pro-rated by the date certified,
    category maxima by band, credit from at least two categories (DOMAIN.md, NSCA)."""
    cscs = Program.objects.get(certifier__code="nsca", abbreviation="CSCS")
    nsca = cscs.certifier
    cert = services.certification_add(
        user=cpt_holder, program=cscs, earned_on=day("2025-06-10"), today=TODAY
    )
    (cycle,) = cert.cycles.all()
    assert (cycle.starts_on, cycle.ends_on) == (day("2025-06-10"), day("2026-12-31"))
    result = current(cpt_holder, program=cscs)
    assert result.required == D("2.0")  # certified during 2025: 2.0, not two thirds of 6.0
    assert result.unit.plural == "CEUs"
    # With two certifiers that take presenting, the person says which one it counts toward.
    with pytest.raises(ValidationError, match="Choose the certifier"):
        add(
            cpt_holder,
            kind=Kind.PRESENTING,
            title="Clinic",
            credit=D("0.6"),
            completion_date=day("2026-01-10"),
        )
    for title, credit, when in [("Clinic", "0.6", "2026-01-10"), ("Clinic 2", "0.6", "2026-02-10")]:
        add(cpt_holder, kind=Kind.PRESENTING, title=title, credit=D(credit),
            completion_date=day(when), certifier=nsca)  # fmt: skip
    add(cpt_holder, kind=Kind.PRESENTING, title="ACE talk", credit=D("0.3"),
        completion_date=day("2026-02-10"), certifier=ace)  # fmt: skip
    with pytest.raises(ValidationError, match="at most 4.0 CEUs per cycle at NSCA"):
        add(cpt_holder, kind=Kind.PRESENTING, title="Huge", credit=D("4.5"),
            completion_date=day("2026-02-11"), certifier=nsca)  # fmt: skip
    result = current(cpt_holder, program=cscs)
    assert result.total == D("1.0")  # category B: at most 1.0 for people certified in 2025
    assert not result.met and result.shortfalls  # one category so far; two are needed
    assert current(cpt_holder, program=Program.objects.get(name="Certified Personal Trainer",
                   certifier=ace)).total == D("0.3")  # fmt: skip
    # A catalog course counts at NSCA by its hours (category A, no approval needed).
    course = CourseFactory(cec_value=D("2.0"), contact_hours=D("20"))
    add(cpt_holder, kind=Kind.APPROVED_COURSE, course=course, completion_date=day("2026-03-01"))
    result = current(cpt_holder, program=cscs)
    assert result.category_totals == {"A": D("1.5"), "B": D("1.0")}  # the band's maxima
    assert result.total == D("2.5") and result.met
    following = services.cycle_renew(certification=cert, on=TODAY)
    assert (following.starts_on, following.ends_on) == (day("2027-01-01"), day("2029-12-31"))
    nxt = selectors.snapshot(cpt_holder, today=day("2027-02-01"))
    (renewed,) = [r for r in nxt.results if r.cycle.id == following.pk]
    assert renewed.required == D("6.0")  # the next period: the whole requirement


def test_at_nsca_a_home_study_course_counts_in_d_a_live_one_in_a(cpt_holder):
    """CERTIFIERS.md §5: category A is live events, not pre-recorded; D is home study. With two
    categories the NSCA minimum of two is met by courses alone."""
    cscs = Program.objects.get(certifier__code="nsca", abbreviation="CSCS")
    services.certification_add(
        user=cpt_holder, program=cscs, earned_on=day("2025-06-10"), today=TODAY
    )
    live = CourseFactory(cec_value=D("0.5"), contact_hours=D("5"), delivery_format="live")
    home = CourseFactory(cec_value=D("0.5"), contact_hours=D("5"), delivery_format="home_study")
    for course, when in ((live, "2026-03-01"), (home, "2026-03-08")):
        add(cpt_holder, kind=Kind.APPROVED_COURSE, course=course, completion_date=day(when))
    result = current(cpt_holder, program=cscs)
    assert result.category_totals == {"A": D("0.5"), "D": D("0.5")}
    assert not any("categor" in s for s in result.shortfalls)
    # ACE has one category for courses, whatever their format.
    ace = current(
        cpt_holder, program=Program.objects.get(certifier__code="ace", abbreviation="CPT")
    )
    assert ace.total == D("1.0")


# --- Concurrency -----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_with_one_token_make_one_entry(cpt):
    user = ProfessionalFactory()
    services.certification_add(user=user, program=cpt, earned_on=day("2025-03-15"), today=TODAY)
    token = uuid.uuid4()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def submit():
        try:
            barrier.wait()
            results.append(
                add(
                    user,
                    kind=Kind.PRESENTING,
                    title="Talk",
                    credit=D("0.2"),
                    completion_date=day("2026-04-01"),
                    submission_token=token,
                ).pk
            )
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1
    assert CreditEntry.objects.filter(user=user).count() == 1


def test_an_entry_keeps_its_course_when_the_course_is_retired_later(cpt_holder):
    course = CourseFactory(cec_value=D("0.3"))
    entry = add(
        cpt_holder, kind=Kind.APPROVED_COURSE, course=course, completion_date=day("2026-01-10")
    )
    Course.objects.filter(pk=course.pk).update(status=Course.Status.RETIRED)
    entry.refresh_from_db()
    services.credit_update(
        entry=entry, actor=cpt_holder, note="Certificate in my files", today=TODAY
    )
    entry.refresh_from_db()
    assert entry.note == "Certificate in my files"


def test_a_renewed_cycle_keeps_its_total_when_the_rules_change_later(cpt_holder):
    """Changing ACE's presenting cap must not move an already renewed cycle's total."""
    add(cpt_holder, kind=Kind.COLLEGE, title="Anatomy", credit_hours=D("2"), grade="B",
        completion_date=day("2026-01-10"))  # fmt: skip
    add(cpt_holder, kind=Kind.PRESENTING, title="Talk", credit=D("0.5"),
        completion_date=day("2026-01-12"))  # fmt: skip
    cert = cpt_holder.certifications.get()
    services.cycle_renew(certification=cert, on=day("2026-05-01"))
    add(cpt_holder, kind=Kind.PRESENTING, title="New talk", credit=D("0.5"),
        completion_date=day("2027-05-01"), today=day("2027-06-01"))  # fmt: skip
    from tracker.models import Category

    Category.objects.filter(rule_set__certifier__code="ace", code="presenting").update(
        cycle_cap=D("0.1")
    )
    view = selectors.snapshot(cpt_holder, today=day("2027-06-01"))
    past = next(r for r in view.results if not r.is_current)
    now = next(r for r in view.results if r.is_current)
    assert past.total == D("2.5")  # as renewed: 2.0 college + 0.5 presenting
    assert past.status == Status.RENEWED
    assert now.total == D("0.1")  # the open cycle follows the rules as they are
