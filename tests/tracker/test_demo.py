from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.demo import demo_user
from tracker import selectors
from tracker.models import Certification, CprCard, CreditEntry, EntryChange

pytestmark = pytest.mark.django_db


def counts():
    return (
        Certification.objects.count(),
        CprCard.objects.count(),
        CreditEntry.objects.count(),
        EntryChange.objects.count(),
    )


def test_demo_is_idempotent_and_shows_a_real_picture(client):
    call_command("demo", stdout=None)
    first = counts()
    call_command("demo", stdout=None)
    assert counts() == first
    pro = demo_user("professional")
    view = selectors.snapshot(pro)
    current = {r.certification.name: r for r in view.results if r.is_current}
    assert set(current) == {"ACE Certified Personal Trainer", "ACE Group Fitness Instructor"}
    for result in current.values():
        assert result.cycle.starts_on <= view.today <= result.cycle.ends_on
        assert result.cpr_current_on_deadline
        assert Decimal("0") < result.total < result.required
    # CS20001 was completed before GFI was earned: it counts toward CPT only.
    cpt, gfi = current["ACE Certified Personal Trainer"], current["ACE Group Fitness Instructor"]
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
    csv_text = client.get(reverse("tracker:export-csv")).content.decode()
    for result in (r for r in view.results if r.is_current):
        shown = f'<strong class="progress-total">{result.total}</strong> of {result.required} CECs'
        assert shown in dashboard
        assert f"{result.certification.name}," in csv_text
        assert f",{result.required},{result.total},{result.remaining}," in csv_text
        transcript = client.get(reverse("tracker:transcript", args=[result.cycle.id]))
        assert transcript.status_code == 200
        assert f"<strong>{result.total}</strong>" in transcript.content.decode()
