"""Audits of renewals: sample or pick, proof per counted credit, decisions, the outcome on the
renewal, and who may see what."""

import datetime
import io
from decimal import Decimal as D

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from notices.models import Email
from tests.accounts.factories import ProfessionalFactory
from tests.tracker.factories import CprCardFactory
from tracker import audits, rules, selectors, services
from tracker.models import Audit, Kind

pytestmark = pytest.mark.django_db


def png(name="proof.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


def renewed_person(cpt, today, user=None):
    """A professional who renewed ACE CPT today with two credits counted."""
    user = user or ProfessionalFactory()
    services.certification_add(user=user, program=cpt, earned_on=today - relativedelta(years=1))
    CprCardFactory(
        user=user,
        issued_on=today - relativedelta(months=2),
        expires_on=today + relativedelta(years=2),
    )
    services.credit_add(
        user=user,
        kind=Kind.COLLEGE,
        title="Anatomy",
        credit_hours=D("2"),
        grade="B",
        completion_date=today,
    )
    services.credit_add(
        user=user, kind=Kind.PRESENTING, title="Talk", credit=D("0.2"), completion_date=today
    )
    cert = user.certifications.get()
    closed = cert.cycles.get(renewed_on__isnull=True)
    services.cycle_renew(certification=cert, on=today, actor=user)
    closed.refresh_from_db()
    return user, closed


@pytest.fixture
def renewal(cpt, today):
    return renewed_person(cpt, today)


def test_a_sample_is_reproducible_from_its_seed():
    population = list(range(1, 101))
    first = audits.pick(population, seed=42, percent=D("10"))
    assert len(first) == 10
    assert audits.pick(list(reversed(population)), seed=42, percent=D("10")) == first
    assert audits.pick(population, seed=43, percent=D("10")) != first
    assert len(audits.pick(population, seed=1, size=3)) == 3
    assert len(audits.pick(population[:2], seed=1, size=5)) == 2


def test_sampling_renewals_in_a_range_records_the_seed_and_audits_the_chosen(reviewer, cpt, today):
    people = [renewed_person(cpt, today) for _ in range(3)]
    sample = audits.audit_sample(
        by=reviewer, renewed_from=today, renewed_to=today, size=2, seed=7, today=today
    )
    assert (sample.seed, sample.population, sample.audits.count()) == (7, 3, 2)
    chosen = set(sample.audits.values_list("cycle_id", flat=True))
    assert chosen == set(audits.pick([c.pk for _u, c in people], seed=7, size=2))
    # Audited renewals are not sampled again.
    again = audits.audit_sample(by=reviewer, renewed_from=today, renewed_to=today, percent=100)
    assert again.population == 1 and again.audits.count() == 1


def test_sampling_refuses_what_it_cannot_do(reviewer, professional, today):
    with pytest.raises(ValidationError, match="No renewal"):
        audits.audit_sample(by=reviewer, renewed_from=today, renewed_to=today, size=1)
    with pytest.raises(ValidationError, match="either a percentage or a number"):
        audits.audit_sample(by=reviewer, renewed_from=today, renewed_to=today)
    with pytest.raises(PermissionDenied):
        audits.audit_sample(by=professional, renewed_from=today, renewed_to=today, size=1)


def test_an_audit_asks_proof_of_each_counted_credit_within_the_certifiers_days(
    reviewer, renewal, today
):
    user, cycle = renewal
    audit = audits.audit_start(cycle=cycle, by=reviewer, today=today)
    assert audit.due_on == today + datetime.timedelta(days=30)
    counted = selectors.frozen_from_json(cycle.frozen_result).counted
    assert sorted(i.entry_id for i in audit.items.all()) == sorted(pk for pk, _c, _n in counted)
    email = Email.objects.get(kind="audit_started")
    assert email.to == [user.email] and "proof due" in email.subject.lower()
    with pytest.raises(ValidationError, match="already audited"):
        audits.audit_start(cycle=cycle, by=reviewer)


def test_proof_follows_the_file_rules_and_only_its_owner_sends_it(reviewer, renewal, today):
    user, cycle = renewal
    audit = audits.audit_start(cycle=cycle, by=reviewer, today=today)
    item = audit.items.first()
    script = SimpleUploadedFile("proof.pdf", b"<script>alert(1)</script>", "application/pdf")
    with pytest.raises(ValidationError):
        audits.proof_upload(item=item, user=user, upload=script)
    item.refresh_from_db()
    assert not item.proof
    with pytest.raises(PermissionDenied):
        audits.proof_upload(item=item, user=ProfessionalFactory(), upload=png())
    audits.proof_upload(item=item, user=user, upload=png("my cert.png"))
    item.refresh_from_db()
    assert item.proof and item.proof_type == "image/png" and item.proof_name == "my cert.png"
    assert "my cert" not in item.proof.name  # stored under a random name


def _send_all(audit, user):
    for item in audit.items.all():
        audits.proof_upload(item=item, user=user, upload=png())


def test_every_credit_accepted_passes_the_audit(reviewer, renewal, today):
    user, cycle = renewal
    audit = audits.audit_start(cycle=cycle, by=reviewer, today=today)
    _send_all(audit, user)
    before = cycle.frozen_result
    for item in audit.items.all():
        audits.item_decide(item=item, by=reviewer, accept=True)
    audit.refresh_from_db()
    cycle.refresh_from_db()
    assert audit.outcome == Audit.Outcome.PASSED and cycle.frozen_result == before


def test_a_rejected_credit_fails_the_audit_and_stops_counting_in_the_renewal(
    client, reviewer, renewal, today
):
    user, cycle = renewal
    audit = audits.audit_start(cycle=cycle, by=reviewer, today=today)
    _send_all(audit, user)
    college = audit.items.get(entry__kind=Kind.COLLEGE)
    with pytest.raises(ValidationError, match="why"):
        audits.item_decide(item=college, by=reviewer, accept=False, reason="  ")
    audits.item_decide(item=college, by=reviewer, accept=False, reason="Grade not shown")
    audit.refresh_from_db()
    assert audit.outcome == Audit.Outcome.OPEN  # one decision still to make
    audits.item_decide(item=audit.items.get(entry__kind=Kind.PRESENTING), by=reviewer, accept=True)
    audit.refresh_from_db()
    cycle.refresh_from_db()
    assert audit.outcome == Audit.Outcome.FAILED
    frozen = selectors.frozen_from_json(cycle.frozen_result)
    assert frozen.total == D("0.2") and frozen.met is False
    assert any("Grade not shown" in reason for _pk, reason in frozen.not_counted)
    # The renewal says so, to its owner.
    client.force_login(user)
    page = client.get(reverse("tracker:transcript", args=[cycle.pk])).content.decode()
    assert "Failed" in page and "Grade not shown" in page
    # A closed audit takes no more decisions.
    with pytest.raises(ValidationError, match="closed"):
        audits.item_decide(item=college, by=reviewer, accept=True)


def test_an_audit_past_its_due_date_without_proof_is_overdue(reviewer, renewal, today):
    user, cycle = renewal
    audit = audits.audit_start(cycle=cycle, by=reviewer, today=today)
    now = timezone.now()
    assert audits.mark_overdue(now=now) == 0
    later = now + datetime.timedelta(days=31)
    assert audits.mark_overdue(now=later) == 1
    assert audits.mark_overdue(now=later) == 0  # safe to run twice
    audit.refresh_from_db()
    assert audit.outcome == Audit.Outcome.OVERDUE


def test_no_one_else_sees_an_audit_or_its_proof(client, reviewer, renewal, provider_staff, today):
    user, cycle = renewal
    audit = audits.audit_start(cycle=cycle, by=reviewer, today=today)
    item = audit.items.first()
    audits.proof_upload(item=item, user=user, upload=png())
    urls = [
        reverse("tracker:my-audit", args=[audit.pk]),
        reverse("tracker:audit-proof", args=[item.pk]),
    ]
    client.force_login(user)
    assert [client.get(u).status_code for u in urls] == [200, 200]
    for someone in (ProfessionalFactory(), provider_staff):
        client.force_login(someone)
        assert [client.get(u).status_code for u in urls] == [404, 404]
        response = client.post(reverse("tracker:audit-proof-upload", args=[item.pk]))
        assert response.status_code == 404
    client.force_login(provider_staff)
    assert client.get(reverse("tracker:audit-review", args=[audit.pk])).status_code == 403


def test_the_queue_lists_open_audits_by_due_date(client, reviewer, cpt, today):
    later = audits.audit_start(cycle=renewed_person(cpt, today)[1], by=reviewer, today=today)
    sooner = audits.audit_start(
        cycle=renewed_person(cpt, today)[1], by=reviewer, today=today - relativedelta(days=5)
    )
    client.force_login(reviewer)
    page = client.get(reverse("tracker:audits")).content.decode()
    queue = page.split('id="audit-queue"', 1)[1]
    first = queue.index(reverse("tracker:audit-review", args=[sooner.pk]))
    assert first < queue.index(reverse("tracker:audit-review", args=[later.pk]))
    assert Audit.objects.by_due_date().first() == sooner


@given(
    credits=st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=8),
    rejected_mask=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_an_audit_takes_out_exactly_the_rejected_credit(credits, rejected_mask):
    counted = tuple((i, D(c) / 10, "") for i, c in enumerate(credits))
    total = sum((c for _i, c, _n in counted), D("0"))
    frozen = rules.FrozenResult(
        total=total,
        required=D("2.0"),
        counted=counted,
        not_counted=(),
        category_totals={"A": total},
        met=total >= D("2.0"),
    )
    rejected = {i: ("A", "no proof") for i, _c, _n in counted if rejected_mask[i]}
    after = rules.after_audit(frozen, rejected)
    lost = sum((c for i, c, _n in counted if i in rejected), D("0"))
    assert after.total == total - lost == after.category_totals["A"]
    assert {i for i, _r in after.not_counted} == set(rejected)
    assert after.met == (frozen.met and after.total >= frozen.required)
