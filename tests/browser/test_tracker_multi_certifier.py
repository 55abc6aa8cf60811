"""One course approved by two certifiers, logged once: each certification moves in its own
unit, and the same course again is refused for both with the reason (issue: one rules core)."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from catalog.services import course_approval_add
from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import CourseFactory
from tests.tracker.factories import CprCardFactory, seeded_certifier
from tracker import services
from tracker.models import CreditEntry, Program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def card_total(page, certification):
    return page.locator(f"#certification-{certification.pk} .progress-total")


def test_one_course_credits_ace_and_nasm_each_in_its_unit_and_only_once(page, login, reviewer):
    today = timezone.localdate()
    ace, nasm = seeded_certifier("ace"), seeded_certifier("nasm")
    pro = ProfessionalFactory()
    cpt = services.certification_add(
        user=pro,
        program=Program.objects.get(certifier=ace, abbreviation="CPT"),
        earned_on=today - relativedelta(months=10),
    )
    nasm_cpt = services.certification_add(
        user=pro,
        program=Program.objects.get(certifier=nasm, abbreviation="CPT"),
        earned_on=today - relativedelta(months=6),
    )
    CprCardFactory(user=pro)
    course = CourseFactory(number="CA23456", cec_value=Decimal("0.3"), contact_hours=Decimal("3"))
    # NASM approved the same course under its own number, for 0.4 CEU.
    course_approval_add(
        course=course, certifier=nasm, number="NASM-7781", credit=Decimal("0.4"), by=reviewer
    )
    completed = (today - datetime.timedelta(days=12)).strftime("%m/%d/%Y")

    login(pro)
    page.goto("/my/cecs/")
    expect(page.locator(f"#certification-{cpt.pk}")).to_contain_text("of 2.0 CECs")
    expect(page.locator(f"#certification-{nasm_cpt.pk}")).to_contain_text("of 2.0 CEUs")

    page.get_by_label("Course number").press_sequentially("ca 23456", delay=20)
    page.get_by_label("Completion date").fill(completed)
    page.get_by_label("Completion date").dispatch_event("change")
    # Before "Add CECs", the page says what the course adds to each certification.
    expect(page.locator("#lookup-adds")).to_contain_text("+0.3 CEC to ACE CPT")
    expect(page.locator("#lookup-adds")).to_contain_text("+0.4 CEU to NASM CPT")
    page.get_by_role("button", name="Add CECs").click()

    expect(page.locator("#notice")).to_contain_text("Added CA23456")
    expect(card_total(page, cpt)).to_have_text("0.3")
    expect(card_total(page, nasm_cpt)).to_have_text("0.4")
    row = page.locator(".ledger-row", has_text="CA23456")
    expect(row).to_contain_text("0.3 CEC ACE")
    expect(row).to_contain_text("0.4 CEU NASM")
    assert CreditEntry.objects.filter(user=pro).count() == 1

    # The same course again, same cycle: refused for both certifiers, each with its reason.
    page.get_by_label("Course number").fill("CA23456")
    page.get_by_label("Course number").dispatch_event("input")
    expect(page.locator("output#id_credit")).to_have_text("0.3")
    page.get_by_label("Completion date").fill(completed)
    page.get_by_role("button", name="Add CECs").click()
    refusal = page.locator(".invalid-feedback", has_text="counts once per cycle")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("toward ACE CPT")
    expect(refusal).to_contain_text("toward NASM CPT")
    expect(card_total(page, cpt)).to_have_text("0.3")
    expect(card_total(page, nasm_cpt)).to_have_text("0.4")
    assert CreditEntry.objects.filter(user=pro).count() == 1
