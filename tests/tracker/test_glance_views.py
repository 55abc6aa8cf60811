"""My CECs opens with one line per certification: the status in words (and its colour), what is
still needed, by when, and the next step; progress bars carry the status and what is beyond
the requirement; each certification has its timeline."""

import re
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from tests.catalog.factories import CourseFactory
from tests.tracker.factories import CprCardFactory
from tracker import services
from tracker.models import Kind

pytestmark = pytest.mark.django_db

LINE = re.compile(
    r'<li class="glance-line[^"]*" data-status="(?P<status>\w+)"[^>]*>\s*'
    r'<span class="badge status-badge status-(?P<badge_class>\w+)">(?P<word>[^<]+)</span>\s*'
    r'<span class="glance-text">(?P<text>[^<]+)</span>\s*'
    r'(?:<a class="[^"]*glance-step" href="(?P<href>[^"]+)">(?P<step>[^<]+)</a>)?'
)


def glance_lines(client):
    page = client.get(reverse("tracker:dashboard")).text
    section = page.split('id="glance"', 1)[1].split("</section>", 1)[0]
    return [m.groupdict() for m in LINE.finditer(section)], page


def _certify(user, program, earned_on):
    return services.certification_add(user=user, program=program, earned_on=earned_on)


def _card(user, today):
    CprCardFactory(
        user=user,
        issued_on=today - relativedelta(years=3),
        expires_on=today + relativedelta(years=2),
    )


@pytest.mark.parametrize(
    ("earned_ago", "status", "word", "step"),
    [
        (relativedelta(months=6), "on_track", "On track", "Log a course"),
        (relativedelta(years=2, days=-20), "at_risk", "At risk", "Log a course"),
        (relativedelta(years=2, months=2), "grace", "In grace period", "Log a course"),
        (relativedelta(years=3), "lapsed", "Lapsed", "Record the renewal"),
    ],
)
def test_the_line_shows_the_status_the_rules_give(
    pro_client, professional, cpt, today, earned_ago, status, word, step
):
    _card(professional, today)
    certification = _certify(professional, cpt, today - earned_ago)
    cycle = certification.cycles.get()

    (line,), _page = glance_lines(pro_client)

    assert (line["status"], line["badge_class"], line["word"]) == (status, status, word)
    assert line["step"] == step
    by = cycle.ends_on if status in ("on_track", "at_risk") else None
    if by is not None:
        assert line["text"] == f"ACE CPT: 2.0 CECs to go by {by:%m/%d/%Y}."


def test_ready_to_renew_links_to_the_renewal_confirmation(pro_client, professional, cpt, today):
    _card(professional, today)
    certification = _certify(professional, cpt, today - relativedelta(months=6))
    course = CourseFactory(cec_value=Decimal("2.5"))
    services.credit_add(
        user=professional, kind=Kind.APPROVED_COURSE, course=course, completion_date=today
    )

    (line,), page = glance_lines(pro_client)

    assert (line["status"], line["word"]) == ("ready", "Ready to renew")
    assert line["step"] == "Record the renewal"
    assert line["href"] == reverse("tracker:cycle-renew", args=[certification.pk])
    # 2.5 of 2.0: the bar is split, and the extra is said in words.
    assert "0.5 CEC beyond the requirement: does not carry over" in page
    assert 'class="progress-bar status-ready" data-width="80%"' in page
    assert 'class="progress-bar progress-beyond" data-width="20%"' in page


def test_no_card_asks_to_renew_cpr_once_the_credit_is_there(pro_client, professional, cpt, today):
    _certify(professional, cpt, today - relativedelta(months=6))
    course = CourseFactory(cec_value=Decimal("2.0"))
    services.credit_add(
        user=professional, kind=Kind.APPROVED_COURSE, course=course, completion_date=today
    )

    (line,), _page = glance_lines(pro_client)

    assert line["status"] == "on_track"
    assert "a current CPR/AED card to go by" in line["text"]
    assert line["step"] == "Renew CPR/AED"
    assert line["href"] == reverse("tracker:cpr-card-add")


def test_one_line_per_certification_each_in_its_own_unit(pro_client, professional, cpt, today):
    from tracker.models import Program

    nasm = Program.objects.filter(certifier__code="nasm").first()
    _card(professional, today)
    _certify(professional, cpt, today - relativedelta(months=6))
    _certify(professional, nasm, today - relativedelta(months=6))

    lines, _page = glance_lines(pro_client)

    texts = [line["text"] for line in lines]
    assert len(lines) == 2
    assert texts[0].startswith("ACE CPT: 2.0 CECs to go")
    assert texts[1].startswith("NASM ") and "CEUs to go" in texts[1]


def test_the_timeline_marks_today_in_the_current_cycle(pro_client, professional, cpt, today):
    certification = _certify(professional, cpt, today - relativedelta(months=6))
    cycle = certification.cycles.get()
    page = pro_client.get(reverse("tracker:dashboard")).text
    assert f"Current cycle:\n        {cycle.starts_on:%m/%d/%Y} – {cycle.ends_on:%m/%d/%Y}" in page
    assert f"today {today:%m/%d/%Y}" in page
    assert "Grace period:" in page and "Next cycle:" in page
    assert 'class="timeline-today"' in page


def test_nobody_certified_sees_no_glance(pro_client):
    page = pro_client.get(reverse("tracker:dashboard")).text
    assert 'id="glance"' not in page
    assert "No certification yet" in page


def test_the_demo_shows_a_certification_in_grace_ready_to_record(client):
    from django.core.management import call_command

    from accounts.demo import demo_user

    call_command("demo", verbosity=0)
    client.force_login(demo_user("reviewer"))
    (line,), page = glance_lines(client)
    assert (line["status"], line["step"]) == ("grace", "Record the renewal")
    assert "0.2 CEC beyond the requirement: does not carry over" in page
