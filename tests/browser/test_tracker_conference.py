"""An umbrella number in a browser: tick the sessions attended, the CECs are their sum."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import ConferenceFactory, SessionFactory
from tests.tracker.factories import CprCardFactory
from tracker import seeding, services
from tracker.models import CreditEntry, Program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tick_sessions_the_total_is_their_sum(page, login):
    today = timezone.localdate()
    seeding.ensure_seeded()  # transactional tests empty the tables the migration seeded
    pro = ProfessionalFactory()
    program = Program.objects.get(certifier__code="ace", abbreviation="CPT")
    services.certification_add(
        user=pro, program=program, earned_on=today - datetime.timedelta(days=100)
    )
    CprCardFactory(user=pro)
    summit = ConferenceFactory(number="CP10001", title="Fitness Summit")
    first = SessionFactory(course=summit, code="S1", title="Keynote", cec_value=Decimal("0.2"))
    SessionFactory(course=summit, code="S2", title="Mobility lab", cec_value=Decimal("0.3"))
    third = SessionFactory(course=summit, code="S3", title="Older adults", cec_value=Decimal("0.4"))

    login(pro)
    page.goto("/my/cecs/")
    page.get_by_label("Course number").press_sequentially("cp 10001", delay=20)
    expect(page.get_by_label("S1 — Keynote")).to_be_visible()
    # Ticking right away: leaving the number box sends one more lookup, which must not
    # undo the tick.
    page.get_by_label("S1 — Keynote").check()
    page.get_by_label("S3 — Older adults").check()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_label("S1 — Keynote")).to_be_checked()
    expect(page.locator("output#id_credit")).to_have_text("0.6")
    page.get_by_label("Completion date").fill(today.strftime("%m/%d/%Y"))
    page.get_by_role("button", name="Add CECs").click()
    expect(page.locator(".ledger-row", has_text="CP10001")).to_contain_text("S1, S3")
    entry = CreditEntry.objects.get(user=pro)
    assert entry.credit == Decimal("0.6")
    assert set(entry.sessions.all()) == {first, third}
