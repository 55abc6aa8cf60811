from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.demo import demo_user
from tracker import selectors
from tracker.models import Certification, CprCard, CreditEntry

pytestmark = pytest.mark.django_db


def counts():
    return (
        Certification.objects.count(),
        CprCard.objects.count(),
        CreditEntry.objects.count(),
        CreditEntry.history.count(),
    )


def test_demo_is_idempotent_and_shows_a_real_picture(client):
    call_command("demo", stdout=None)
    first = counts()
    call_command("demo", stdout=None)
    assert counts() == first
    pro = demo_user("professional")
    view = selectors.snapshot(pro)
    current = {r.certification.name: r for r in view.results if r.is_current}
    assert set(current) == {"ACE CPT", "ACE GFI"}
    for result in current.values():
        assert result.cycle.starts_on <= view.today <= result.cycle.ends_on
        assert result.cpr_ok
        assert Decimal("0") < result.total < result.required
    # CS20001 was completed before GFI was earned: it counts toward CPT only.
    cpt, gfi = current["ACE CPT"], current["ACE GFI"]
    only_cpt = CreditEntry.objects.get(user=pro, course__number="CS20001")
    assert only_cpt.pk in {c.entry.id for c in cpt.counted}
    assert only_cpt.pk not in {c.entry.id for c in gfi.counted}
    assert cpt.total - gfi.total == only_cpt.credit
    assert not CreditEntry.objects.filter(user=pro, course__number="CA23456").exists()


def test_demo_exports_show_the_dashboards_totals(client):
    call_command("demo", stdout=None)
    pro = demo_user("professional")
    client.force_login(pro)
    view = selectors.snapshot(pro)
    dashboard = client.get(reverse("tracker:dashboard")).content.decode()
    csv_text = b"".join(client.get(reverse("tracker:export-csv")).streaming_content).decode()
    for result in (r for r in view.results if r.is_current):
        shown = f'<strong class="progress-total">{result.total}</strong> of {result.required} CECs'
        assert shown in dashboard
        assert f"{result.certification.name}," in csv_text
        assert f",{result.required},{result.total},{result.remaining}," in csv_text
        transcript = client.get(reverse("tracker:transcript", args=[result.cycle.id]))
        assert transcript.status_code == 200
        assert f"<strong>{result.total}</strong>" in transcript.content.decode()


def test_demo_trainer_with_ace_and_nasm_sees_one_course_in_both_units(client):
    call_command("demo", stdout=None)
    dual = demo_user("ace_nasm_pro")
    view = selectors.snapshot(dual)
    current = {r.certification.name: r for r in view.results if r.is_current}
    assert set(current) == {"ACE CPT", "NASM CPT"}
    ace, nasm = current["ACE CPT"], current["NASM CPT"]
    assert (ace.unit.plural, nasm.unit.plural) == ("CECs", "CEUs")
    course = CreditEntry.objects.get(user=dual, course__number="CA23456")
    # One entry: 0.3 CEC at ACE (its number), 0.3 CEU at NASM (NASM's approval, 3 hours).
    assert {c.entry.id for c in ace.counted} >= {course.pk}
    assert {c.entry.id for c in nasm.counted} >= {course.pk}
    # The CPR/AED card: 0.4 at ACE (a two-year card), NASM's 0.1 share.
    assert nasm.category_totals.get("cpr_aed") == Decimal("0.1")
    assert ace.total == Decimal("0.7") and nasm.total == Decimal("0.4")
    client.force_login(dual)
    page = client.get(reverse("tracker:dashboard")).content.decode()
    assert "of 2.0 CECs" in page and "of 2.0 CEUs" in page
