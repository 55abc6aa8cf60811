"""Roster upload, preview and confirm through the pages; bad files; the provider's word on
My CECs and the entry page; claims, hiding and disputes; nobody reaches another's data."""

import io
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from reporting import services
from reporting.models import Dispute, ReportedCompletion, RosterBatch
from tests.accounts.factories import ProfessionalFactory, ProviderStaffFactory
from tests.catalog.factories import CourseFactory
from tests.reporting.conftest import accept, confirm, row
from tracker import selectors
from tracker import services as tracker_services
from tracker.models import CreditEntry

pytestmark = pytest.mark.django_db
D = Decimal


def csv_file(text: str, name="roster.csv", bom=True) -> SimpleUploadedFile:
    data = text.replace("\n", "\r\n").encode()
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" if bom else b"") + data, "text/csv")


def xlsx_file(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("roster.xlsx", out.getvalue(), "application/octet-stream")


def upload(client, course, file):
    return client.post(reverse("reporting:upload"), {"course": course.pk, "file": file})


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def day(today, days=10):
    return (today - relativedelta(days=days)).isoformat()


def test_upload_previews_matched_claimable_and_refused_rows_and_posts_nothing(
    staff_client, course, dual, today
):
    text = (
        "Email,Certification Number,Last Name,Completion Date,Hours\n"
        f"{dual.email},,,{day(today)},3\n"
        f",NASM-778899,rivera,{day(today, 11)},\n"
        f"new.person@example.com,,,{day(today)},\n"
        f"not an email,,,{day(today)},\n"
        f"=cmd|' /C calc'!A0,,,{day(today)},\n"
    )
    response = upload(staff_client, course, csv_file(text))
    batch = RosterBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    page = staff_client.get(batch.get_absolute_url()).content.decode()
    assert (batch.matched, batch.claimable, batch.refused) == (2, 1, 2)
    assert "is not an email address" in page and "formulas are not accepted" in page
    assert "Matched to a professional" in page and "kept as claimable" in page
    assert [r.row for r in batch.completions.all()] == [2, 3, 4, 5, 6]  # lines in the file
    assert not CreditEntry.objects.exists()
    refused = staff_client.get(batch.get_absolute_url(), {"show": "refused"}).content.decode()
    assert "new.person@example.com" not in refused and "not an email" in refused


def test_confirm_posts_and_the_page_shows_the_result(staff_client, course, dual, today):
    upload(staff_client, course, csv_file(f"email,completion_date\n{dual.email},{day(today)}\n"))
    batch = RosterBatch.objects.get()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        staff_client.post(reverse("reporting:batch-confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "posted" and batch.posted == 1
    assert (
        "1 completion on professionals"
        in staff_client.get(batch.get_absolute_url()).content.decode()
    )


def test_an_xlsx_roster_is_read_and_its_formula_cells_refused(staff_client, course, dual, today):
    file = xlsx_file(
        [
            ["email", "completion_date", "hours"],
            [dual.email, today - relativedelta(days=5), 2.5],
            ["x@example.com", day(today), "=1+1"],
            ["@SUM(A1:A2)", day(today), None],
        ]
    )
    upload(staff_client, course, file)
    batch = RosterBatch.objects.get()
    rows = list(batch.completions.order_by("row"))
    assert rows[0].verdict == "matched" and rows[0].hours == D("2.5")
    assert [r.verdict for r in rows[1:]] == ["refused", "refused"]
    assert all("formulas are not accepted" in r.reason for r in rows[1:])


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("r.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50), "not a CSV"),
        (SimpleUploadedFile("r.xlsx", b"PK\x03\x04garbage"), "cannot be read"),
        (SimpleUploadedFile("r.csv", b"email,completion_date\n\xff\xfe,x\n"), "not UTF-8"),
        (csv_file("name,when\nA,B\n"), "no completion_date column"),
        (csv_file("completion_date,last_name\n2025-01-01,A\n"), "needs an email column"),
        (csv_file(""), "is empty"),
        (csv_file("email,completion_date\n"), "no rows"),
        (
            SimpleUploadedFile("big.csv", b"email,completion_date\n" + b"a" * (2 * 1024 * 1024)),
            "larger than 2 MB",
        ),
    ],
)
def test_a_bad_file_is_refused_whole_with_its_reason(staff_client, course, file, message):
    response = upload(staff_client, course, file)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RosterBatch.objects.exists()


def test_ten_thousand_rows_preview_and_one_more_is_refused(staff_client, course, today):
    lines = "".join(f"p{n}@example.com,{day(today)}\n" for n in range(10_000))
    upload(staff_client, course, csv_file("email,completion_date\n" + lines, bom=False))
    assert RosterBatch.objects.get().claimable == 10_000
    response = upload(
        staff_client,
        course,
        csv_file("email,completion_date\n" + lines + "x@example.com,2025-01-01\n"),
    )
    assert "at most 10,000 rows" in response.content.decode()
    assert RosterBatch.objects.count() == 1


def test_provider_staff_reach_only_their_own_courses_and_rosters(client, course, dual, today):
    mine = services.stage(course.provider, [row(email=dual.email)], source="upload", course=course)
    other = ProviderStaffFactory()
    CourseFactory(provider=other.provider)  # they have a course of their own to choose
    client.force_login(other)
    for name in ("reporting:batch", "reporting:batch-progress"):
        assert client.get(reverse(name, args=[mine.pk])).status_code == 404
    for name in ("reporting:batch-confirm", "reporting:batch-discard"):
        assert client.post(reverse(name, args=[mine.pk])).status_code == 404
    response = upload(
        client, course, csv_file(f"email,completion_date\n{dual.email},{day(today)}\n")
    )
    assert "Select a valid choice" in response.content.decode()
    assert RosterBatch.objects.count() == 1
    assert not CreditEntry.objects.exists()
    assert dual.email not in client.get(reverse("reporting:upload")).content.decode()


def test_discard_drops_a_checked_roster(staff_client, course, dual):
    batch = services.stage(course.provider, [row(email=dual.email)], source="upload", course=course)
    staff_client.post(reverse("reporting:batch-discard", args=[batch.pk]))
    assert not RosterBatch.objects.exists() and not CreditEntry.objects.exists()


@pytest.fixture
def reported(course, dual):
    """A provider-reported entry on the dual professional's ledger."""
    batch = services.stage(course.provider, [row(email=dual.email)], source="upload", course=course)
    confirm(batch)
    return CreditEntry.objects.get(user=dual)


def test_my_cecs_marks_it_reported_by_the_provider_and_it_cannot_be_edited(
    client, reported, dual, course
):
    client.force_login(dual)
    page = client.get(reverse("tracker:dashboard")).content.decode()
    assert f"Reported by {course.provider.name}" in page
    before = (reported.credit, reported.completion_date, reported.course_id)
    response = client.post(
        reverse("tracker:entry-edit", args=[reported.pk]),
        {"completion_date": "01/02/2025", "credit": "2.0"},
        follow=True,
    )
    assert "the provider&#x27;s word" in response.content.decode()
    reported.refresh_from_db()
    assert (reported.credit, reported.completion_date, reported.course_id) == before
    client.post(reverse("tracker:entry-delete", args=[reported.pk]))
    assert CreditEntry.objects.filter(pk=reported.pk).exists()
    with pytest.raises(Exception, match="provider"):
        tracker_services.credit_update(entry=reported, actor=dual, credit=D("2.0"))
    history = client.get(reverse("tracker:entry-edit", args=[reported.pk])).content.decode()
    assert f"Added by {course.provider.name}" in history


def _ace_total(user):
    view = selectors.snapshot(user)
    return next(r.total for r in view.results if r.certification.name == "ACE CPT")


def test_hiding_takes_it_out_of_the_totals_but_keeps_it_visible(client, reported, dual):
    client.force_login(dual)
    assert _ace_total(dual) == D("0.3")
    client.post(reverse("reporting:entry-hide", args=[reported.pk]), {"reason": ""})
    assert CreditEntry.objects.get(pk=reported.pk).hidden_at is None  # a reason is required
    client.post(reverse("reporting:entry-hide", args=[reported.pk]), {"reason": "Left early"})
    assert _ace_total(dual) == D("0")
    page = client.get(reverse("tracker:dashboard")).content.decode()
    assert "Hidden from totals" in page and "Left early" in page
    change = reported.history.first()
    assert change.history_change_reason == "Left early" and change.history_user == dual
    client.post(reverse("reporting:entry-unhide", args=[reported.pk]))
    assert _ace_total(dual) == D("0.3")
    # The entry's own page says who sent it, who hid it and why.
    page = client.get(reverse("tracker:entry-edit", args=[reported.pk])).content.decode()
    assert "(Left early)" in page and "Counted again" in page


def test_nobody_else_hides_disputes_or_claims_for_someone(client, reported, course):
    stranger = ProfessionalFactory()
    client.force_login(stranger)
    for name, data in (
        ("reporting:entry-hide", {"reason": "x"}),
        ("reporting:entry-dispute", {"note": "x"}),
    ):
        assert client.post(reverse(name, args=[reported.pk]), data).status_code == 404
    assert not Dispute.objects.exists()
    assert CreditEntry.objects.get(pk=reported.pk).hidden_at is None


def test_a_dispute_reaches_the_reviewers_who_withdraw_the_credit(client, reported, dual, reviewer):
    client.force_login(dual)
    client.post(reverse("reporting:entry-dispute", args=[reported.pk]), {"note": "I never went"})
    client.post(reverse("reporting:entry-dispute", args=[reported.pk]), {"note": "Again"})
    assert Dispute.objects.get().status == "open"
    client.force_login(reviewer)
    queue = client.get(reverse("reporting:disputes")).content.decode()
    assert "I never went" in queue
    dispute = Dispute.objects.get()
    client.post(reverse("reporting:dispute-withdraw", args=[dispute.pk]), {"note": "No record"})
    assert not CreditEntry.objects.filter(pk=reported.pk).exists()
    gone = CreditEntry.history.get(id=reported.pk, history_type="-")
    assert gone.history_user == reviewer and "No record" in gone.history_change_reason
    # The owner's history still shows the withdrawn credit, who removed it and why.
    client.force_login(dual)
    history = client.get(reverse("tracker:history")).content.decode()
    assert "No record" in history
    assert Dispute.objects.get().status == "withdrawn"


def test_an_upheld_dispute_keeps_the_credit(client, reported, dual, reviewer):
    dispute = services.dispute_open(entry=reported, user=dual, note="Wrong date")
    client.force_login(reviewer)
    client.post(reverse("reporting:dispute-uphold", args=[dispute.pk]), {"note": "Sign-in sheet"})
    assert Dispute.objects.get().status == "upheld"
    assert CreditEntry.objects.filter(pk=reported.pk).exists()


def test_my_cecs_offers_claimable_credit_to_accept(client, course, today):
    batch = services.stage(
        course.provider, [row(email="late@example.com")], source="upload", course=course
    )
    confirm(batch)
    person = ProfessionalFactory(email="late@example.com")
    client.force_login(person)
    page = client.get(reverse("tracker:dashboard")).content.decode()
    assert f"{course.provider.name} reported that you completed" in page
    offer = ReportedCompletion.objects.get()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("reporting:claim-accept", args=[offer.pk]))
    entry = CreditEntry.objects.get(user=person)
    assert entry.source == "provider"
    assert (
        "reported that you completed"
        not in client.get(reverse("tracker:dashboard")).content.decode()
    )


def test_not_me_declines_the_offer(client, course):
    batch = services.stage(
        course.provider, [row(email="maybe@example.com")], source="upload", course=course
    )
    confirm(batch)
    person = ProfessionalFactory(email="maybe@example.com")
    client.force_login(person)
    offer = ReportedCompletion.objects.get()
    client.post(reverse("reporting:claim-decline", args=[offer.pk]))
    assert not CreditEntry.objects.exists()
    assert (
        "reported that you completed"
        not in client.get(reverse("tracker:dashboard")).content.decode()
    )


def test_the_sample_roster_downloads(staff_client, course):
    response = staff_client.get(reverse("reporting:sample"), {"course": course.pk})
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().startswith("email,certification_number,last_name")


def test_another_providers_course_in_the_form_is_not_offered(staff_client, course):
    theirs = CourseFactory(number="CA11223")
    page = staff_client.get(reverse("reporting:upload")).content.decode()
    assert course.number in page and theirs.number not in page


def test_deciding_disputes_is_a_permission_of_its_own(client, reported, dual):
    """Granted "decide disputes" alone, one person opens the dispute queue and decides; the
    other review pages stay closed to them, and a professional without it gets 403."""
    from django.contrib.auth.models import Permission

    dispute = services.dispute_open(entry=reported, user=dual, note="Wrong date")
    plain = ProfessionalFactory()
    client.force_login(plain)
    assert client.get(reverse("reporting:disputes")).status_code == 403
    granted = ProfessionalFactory()
    granted.user_permissions.add(
        Permission.objects.get(content_type__app_label="reporting", codename="resolve_dispute")
    )
    client.force_login(granted)
    assert client.get(reverse("reporting:disputes")).status_code == 200
    assert client.get(reverse("petitions:queue")).status_code == 403
    assert client.get(reverse("tracker:professionals")).status_code == 403
    client.post(reverse("reporting:dispute-uphold", args=[dispute.pk]), {"note": "Sign-in sheet"})
    assert Dispute.objects.get().status == "upheld"


OFFERED = "reported that you completed"


def my_cecs(client) -> str:
    return client.get(reverse("tracker:dashboard")).content.decode()


def test_a_roster_posted_after_my_cecs_was_cached_is_offered_at_once(client, course):
    """My CECs keeps its offers in the cache: a roster posted for the person reaches it."""
    batch = services.stage(
        course.provider, [row(email="Late@Example.com")], source="upload", course=course
    )  # checked while nobody had the address: kept as claimable
    person = ProfessionalFactory(email="late@example.com")
    client.force_login(person)
    assert OFFERED not in my_cecs(client)  # checked, not yet posted
    assert OFFERED not in my_cecs(client)  # cached
    confirm(batch)
    assert OFFERED in my_cecs(client)
    offer = ReportedCompletion.objects.get()
    client.post(reverse("reporting:claim-decline", args=[offer.pk]))
    assert OFFERED not in my_cecs(client)


def test_an_offer_claimed_by_one_person_leaves_the_others_cached_page(client, course, today):
    """Offered to two people (one by email, one by certification number): the one who claims
    it takes it off the other's page too."""
    batch = services.stage(
        course.provider,
        [row(email="twin@example.com", certification_number="ACE-445566", last_name="Doe")],
        source="upload",
        course=course,
    )
    confirm(batch)
    twin = ProfessionalFactory(email="twin@example.com")
    other = ProfessionalFactory(last_name="Doe")
    tracker_services.certification_add(
        user=other,
        program=course.approvals.first().certifier.programs.first(),
        earned_on=today - relativedelta(months=3),
        number="ace-445566",
    )
    client.force_login(other)
    assert OFFERED in my_cecs(client)
    accept(completion=ReportedCompletion.objects.get(), user=twin)
    assert OFFERED not in my_cecs(client)


def test_a_hidden_report_does_not_block_logging_the_course_oneself(client, reported, dual, course):
    """The provider reported the wrong day: hidden, the person logs the course on the right
    one. Counting the report again would count the course twice in the cycle: refused."""
    client.force_login(dual)
    tracker_services.credit_hide(entry=reported, actor=dual, reason="Wrong day")
    assert _ace_total(dual) == D("0")
    own = tracker_services.credit_add(
        user=dual,
        kind="approved_course",
        course=course,
        completion_date=reported.completion_date - relativedelta(days=2),
    )
    assert _ace_total(dual) == D("0.3")
    response = client.post(reverse("reporting:entry-unhide", args=[reported.pk]), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Delete that entry first" in html
    assert CreditEntry.objects.get(pk=reported.pk).hidden_at is not None
    assert _ace_total(dual) == D("0.3")
    tracker_services.credit_delete(entry=own, actor=dual)
    client.post(reverse("reporting:entry-unhide", args=[reported.pk]))
    assert CreditEntry.objects.get(pk=reported.pk).hidden_at is None
    assert _ace_total(dual) == D("0.3")
