"""The seed flow in a browser: type a number, the CECs fill in, add it, progress moves."""

import datetime
import re
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import CourseFactory
from tests.tracker.factories import CprCardFactory
from tracker import seeding, services
from tracker.models import CreditEntry, Program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def total_of(page, certification):
    card = page.locator(f"#certification-{certification.pk}")
    return Decimal(card.locator(".progress-total").inner_text())


def bar_width(page, certification):
    bar = page.locator(f"#certification-{certification.pk} .progress-bar")
    return bar.evaluate("el => el.style.width")


def test_type_a_number_the_cecs_fill_in_add_and_progress_moves(page, login):
    today = timezone.localdate()
    seeding.ensure_seeded()  # transactional tests empty the tables the migration seeded
    pro = ProfessionalFactory()
    programs = {p.abbreviation: p for p in Program.objects.filter(certifier__code="ace")}
    # Two certifications whose cycles hold the completion date, one whose cycle does not.
    cpt = services.certification_add(
        user=pro, program=programs["CPT"], earned_on=today - relativedelta(months=14)
    )
    gfi = services.certification_add(
        user=pro, program=programs["GFI"], earned_on=today - relativedelta(months=5)
    )
    hc = services.certification_add(
        user=pro, program=programs["HC"], earned_on=today - datetime.timedelta(days=5)
    )
    CprCardFactory(user=pro)
    CourseFactory(number="CA23456", cec_value=Decimal("0.3"))
    completed = today - datetime.timedelta(days=20)

    login(pro)
    page.goto("/my/cecs/")
    before = {c.pk: total_of(page, c) for c in (cpt, gfi, hc)}
    widths_before = {c.pk: bar_width(page, c) for c in (cpt, gfi, hc)}
    page.evaluate("window.__samePage = 'yes'")

    page.get_by_label("Course number").press_sequentially("CA23456", delay=30)
    expect(page.locator("output#id_credit")).to_have_text("0.3")
    assert page.evaluate("window.__samePage") == "yes"  # filled in without a page load

    page.get_by_label("Completion date").fill(completed.strftime("%m/%d/%Y"))
    page.get_by_role("button", name="Add CECs").click()

    row = page.locator(".ledger-row", has_text="CA23456")
    expect(row).to_be_visible()
    expect(row).to_be_focused()  # focus moves to the new row, not the page body
    expect(row).to_contain_text(completed.strftime("%m/%d/%Y"))
    expect(page.locator("#notice")).to_contain_text("Added CA23456 on")
    expect(page.locator("#notice")).to_contain_text("+0.3 CEC to ACE CPT and ACE GFI")
    expect(page.locator(f"#certification-{cpt.pk} .progress-total")).to_have_text(
        str(before[cpt.pk] + Decimal("0.3"))
    )
    assert total_of(page, gfi) == before[gfi.pk] + Decimal("0.3")
    assert total_of(page, hc) == before[hc.pk]  # its cycle began after the completion date
    assert bar_width(page, cpt) == "15%" != widths_before[cpt.pk]
    assert bar_width(page, gfi) == "15%"
    assert bar_width(page, hc) == widths_before[hc.pk] == "0%"
    assert page.evaluate("window.__samePage") == "yes"
    assert CreditEntry.objects.filter(user=pro).count() == 1

    # The form is fresh (a new one-time token), the field empty again.
    expect(page.get_by_label("Course number")).to_have_value("")


def test_a_bad_number_shows_the_catalog_message_and_a_petition_link(page, login):
    pro = ProfessionalFactory()
    login(pro)
    page.goto("/my/cecs/")
    page.get_by_label("Course number").press_sequentially("CA99999", delay=20)
    message = page.locator("#lookup-message")
    expect(message).to_contain_text("No approved course has the number CA99999")
    expect(message.get_by_role("link", name=re.compile("Petition"))).to_be_visible()
    expect(page.locator("output#id_credit")).to_have_text("")


def test_a_pasted_number_fills_in_the_cecs_and_the_page_logs_no_error(page, login):
    """Pasting (or the browser filling in) types no key: the CECs must fill in all the same."""
    seeding.ensure_seeded()
    pro = ProfessionalFactory()
    services.certification_add(
        user=pro,
        program=Program.objects.get(certifier__code="ace", abbreviation="CPT"),
        earned_on=timezone.localdate() - relativedelta(months=3),
    )
    CourseFactory(number="CA23456", cec_value=Decimal("0.3"))
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    login(pro)
    page.goto("/my/cecs/")

    page.get_by_label("Course number").fill(" ca 23456 ")
    expect(page.locator("output#id_credit")).to_have_text("0.3")
    page.get_by_label("Completion date").fill(
        (timezone.localdate() - datetime.timedelta(days=1)).strftime("%m/%d/%Y")
    )
    page.get_by_role("button", name="Add CECs").click()
    expect(page.locator(".ledger-row", has_text="CA23456")).to_be_visible()
    assert [e for e in errors if "hx-disabled-elt" in e] == []
    assert CreditEntry.objects.filter(user=pro).count() == 1


def test_on_a_phone_the_page_does_not_scroll_sideways(page, login):
    """The ledger table scrolls inside its box; the page itself fits a phone's width."""
    seeding.ensure_seeded()
    pro = ProfessionalFactory()
    services.certification_add(
        user=pro,
        program=Program.objects.get(certifier__code="ace", abbreviation="CPT"),
        earned_on=timezone.localdate() - relativedelta(months=3),
    )
    services.certification_add(
        user=pro,
        program=Program.objects.get(certifier__code="ace", abbreviation="GFI"),
        earned_on=timezone.localdate() - relativedelta(months=2),
    )
    course = CourseFactory(
        number="CA23456",
        title="Exercise Programming for Older Adults: Balance, Mobility and Strength",
        cec_value=Decimal("0.3"),
    )
    services.credit_add(
        user=pro,
        kind="approved_course",
        course=course,
        completion_date=timezone.localdate() - datetime.timedelta(days=1),
        actor=pro,
    )
    login(pro)
    for width in (390, 320):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto("/my/cecs/")
        expect(page.locator(".ledger-row", has_text="CA23456")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
