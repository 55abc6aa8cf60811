"""My CECs through the client: the seed flow, bad input, edits, exports, isolation."""

import datetime
import io
import uuid
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.accounts.factories import ProfessionalFactory, ReviewerFactory
from tests.catalog.factories import ConferenceFactory, CourseFactory, SessionFactory
from tests.tracker.conftest import us
from tracker import selectors, services
from tracker.models import CreditEntry, Cycle, Kind

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def add_post(client, number, date, *, token=None, htmx=False, **extra):
    data = {
        "course_number": number,
        "completion_date": date,
        "token": str(token or uuid.uuid4()),
        **extra,
    }
    return client.post(reverse("tracker:credit-add"), data, **(HTMX if htmx else {}))


# --- The seed flow ---------------------------------------------------------------------------


def test_dashboard_shows_the_seed_form(holder_client):
    response = holder_client.get(reverse("tracker:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Course number" in html
    assert 'id="id_credit"' in html and ">CECs</label>" in html
    assert "Completion date" in html and "MM/DD/YYYY" in html
    assert "Add CECs" in html
    assert '<strong class="progress-total">0.0</strong> of 2.0 CECs' in html


def test_lookup_fills_in_the_cecs(holder_client):
    CourseFactory(number="CA23456", cec_value=Decimal("0.3"))
    response = holder_client.get(
        reverse("tracker:course-lookup"), {"course_number": "ca 23456"}, **HTMX
    )
    html = response.content.decode()
    assert 'aria-describedby="id_credit_help">0.3</output>' in html  # output, not an input
    assert "<html" not in html  # a fragment


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("CX12345", "is not a course number"),
        ("CA1234", "is not a course number"),
        ("CA99999", "No approved course has the number CA99999"),
    ],
)
def test_lookup_explains_bad_numbers(holder_client, text, says):
    response = holder_client.get(reverse("tracker:course-lookup"), {"course_number": text})
    html = response.content.decode()
    assert says in html
    assert 'aria-describedby="id_credit_help"></output>' in html  # no CECs
    petition = reverse("petitions:new")
    assert (petition in html) == (says.startswith("No approved"))


@pytest.mark.parametrize(
    ("text", "says", "petition"),
    [
        ("CX12345", "is not a course number", False),
        ("CA99999", "No approved course has the number CA99999", True),
    ],
)
def test_a_refused_number_is_explained_once_beside_the_field(
    holder_client, holder, today, text, says, petition
):
    response = add_post(holder_client, text, us(today), htmx=True)
    html = response.content.decode()
    assert html.count(says) == 1
    assert 'id="id_course_number_error"' in html or "invalid-feedback" in html
    lookup_box = html.split('id="course-lookup"')[1].split('id="id_credit"')[0]
    assert (reverse("petitions:new") in lookup_box) == petition
    assert not CreditEntry.objects.filter(user=holder).exists()


def test_lookup_of_a_pending_course_links_to_petition(holder_client):
    from catalog.models import Course

    CourseFactory(number="CA55555", status=Course.Status.PENDING)
    html = holder_client.get(
        reverse("tracker:course-lookup"), {"course_number": "CA55555"}
    ).content.decode()
    assert "waiting for approval" in html
    assert reverse("petitions:new") in html


def test_lookup_of_a_conference_lists_its_sessions(holder_client):
    conference = ConferenceFactory(number="CP10001")
    a = SessionFactory(course=conference, code="A", cec_value=Decimal("0.2"))
    b = SessionFactory(course=conference, code="B", cec_value=Decimal("0.3"))
    html = holder_client.get(
        reverse("tracker:course-lookup"),
        {"course_number": "CP10001", "sessions": [str(a.pk), str(b.pk)]},
    ).content.decode()
    assert f'value="{a.pk}"' in html and f'value="{b.pk}"' in html
    assert 'aria-describedby="id_credit_help">0.5</output>' in html  # the ticked sessions' sum


def test_add_cecs_with_htmx_refreshes_list_and_progress(holder_client, holder, today):
    CourseFactory(number="CA23456", cec_value=Decimal("0.3"))
    response = add_post(holder_client, "CA23456", us(today), htmx=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="my-cecs"' in html and "<html" not in html
    assert "Added CA23456 on" in html and "+0.3 CEC to ACE CPT" in html
    assert "CA23456" in html
    assert 'data-width="15%"' in html
    entry = CreditEntry.objects.get(user=holder)
    assert entry.credit == Decimal("0.3") and entry.kind == Kind.APPROVED_COURSE


def test_add_cecs_without_htmx_redirects(holder_client, holder, today):
    CourseFactory(number="CA23456", cec_value=Decimal("0.3"))
    response = add_post(holder_client, "CA23456", us(today))
    assert response.status_code == 302
    assert CreditEntry.objects.filter(user=holder).count() == 1


def test_add_a_conference_sums_the_sessions(holder_client, holder, today):
    conference = ConferenceFactory(number="CP10001")
    a = SessionFactory(course=conference, cec_value=Decimal("0.2"))
    b = SessionFactory(course=conference, cec_value=Decimal("0.3"))
    SessionFactory(course=conference, cec_value=Decimal("0.4"))
    add_post(holder_client, "CP10001", us(today), sessions=[a.pk, b.pk])
    entry = CreditEntry.objects.get(user=holder)
    assert entry.kind == Kind.CONFERENCE
    assert entry.credit == Decimal("0.5")
    assert set(entry.sessions.all()) == {a, b}


def test_a_conference_needs_sessions(holder_client, holder, today):
    SessionFactory(course=ConferenceFactory(number="CP10001"))
    response = add_post(holder_client, "CP10001", us(today))
    assert "Tick the sessions you attended" in response.content.decode()
    assert not CreditEntry.objects.exists()


def test_double_submit_creates_one_entry(holder_client, holder, today):
    CourseFactory(number="CA23456", cec_value=Decimal("0.3"))
    token = uuid.uuid4()
    add_post(holder_client, "CA23456", us(today), token=token, htmx=True)
    second = add_post(holder_client, "CA23456", us(today), token=token, htmx=True)
    assert CreditEntry.objects.filter(user=holder).count() == 1
    assert "already sent" in second.content.decode()
    add_post(holder_client, "CA23456", us(today), token=token)  # back and resubmit
    assert CreditEntry.objects.filter(user=holder).count() == 1


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "says"),
    [
        ("02/30/2025", "is not a real date"),
        ("13/01/2025", "is not a real date"),
        ("2025-03-01", "Enter the date as MM/DD/YYYY"),
        ("March 1 2025", "Enter the date as MM/DD/YYYY"),
        ("", "This field is required"),
    ],
)
def test_bad_dates_are_refused(holder_client, date, says):
    CourseFactory(number="CA23456")
    response = add_post(holder_client, "CA23456", date)
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not CreditEntry.objects.exists()


def test_a_future_date_is_refused(holder_client, today):
    CourseFactory(number="CA23456")
    response = add_post(holder_client, "CA23456", us(today + datetime.timedelta(days=1)))
    assert "cannot be in the future" in response.content.decode()
    assert not CreditEntry.objects.exists()


def test_the_same_course_twice_in_a_cycle_is_refused(holder_client, holder, today):
    CourseFactory(number="CA23456")
    add_post(holder_client, "CA23456", us(today - datetime.timedelta(days=20)))
    response = add_post(holder_client, "CA23456", us(today), htmx=True)
    html = response.content.decode()
    assert "Already logged on" in html and "counts once per cycle" in html
    assert CreditEntry.objects.filter(user=holder).count() == 1


def test_a_date_outside_every_current_cycle_needs_confirmation(holder_client, holder, today):
    CourseFactory(number="CA23456", approved_on=datetime.date(2020, 1, 1))
    before = us(today - relativedelta(years=1, days=3))  # the cycle began a year ago
    response = add_post(holder_client, "CA23456", before)
    html = response.content.decode()
    assert "counts toward no renewal" in html or "count toward no renewal" in html
    assert not CreditEntry.objects.exists()
    add_post(holder_client, "CA23456", before, confirm_outside="on")
    assert CreditEntry.objects.filter(user=holder).count() == 1


def test_a_date_after_a_cycle_ended_says_it_counts_once_renewed(client, professional, cpt, today):
    """In the grace period, credit after the old end counts toward the next cycle, which starts
    the day after it once the renewal is recorded."""
    earned = today - relativedelta(years=2, months=2)
    services.certification_add(user=professional, program=cpt, earned_on=earned)
    client.force_login(professional)
    CourseFactory(number="CA23456", approved_on=datetime.date(2020, 1, 1))
    ended = earned + relativedelta(years=2, day=31)
    response = add_post(client, "CA23456", us(today - datetime.timedelta(days=3)))
    html = response.content.decode()
    assert f"after the current cycle of ACE CPT ended ({us(ended)})" in html
    assert "counts toward the next cycle once you record the renewal" in html
    assert "count toward no renewal" not in html
    assert not CreditEntry.objects.exists()


def test_a_certificate_must_really_be_pdf_jpeg_or_png(holder_client, holder, today):
    CourseFactory(number="CA23456")
    fake = SimpleUploadedFile("certificate.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = add_post(holder_client, "CA23456", us(today), certificate=fake)
    assert "is not a PDF, JPEG or PNG file" in response.content.decode()
    assert not CreditEntry.objects.exists()


def test_a_certificate_over_10_mb_is_refused(holder_client, settings, today):
    settings.MAX_UPLOAD_BYTES = 1000
    CourseFactory(number="CA23456")
    big = SimpleUploadedFile("c.png", png_bytes() + b"\0" * 2000, "image/png")
    response = add_post(holder_client, "CA23456", us(today), certificate=big)
    assert "the limit is" in response.content.decode()
    assert not CreditEntry.objects.exists()


@pytest.mark.parametrize(
    ("credit", "says"),
    [("0", "more than 0"), ("-0.1", "more than 0"), ("0.25", "in tenths"), ("abc", "as a number")],
)
def test_bad_credit_on_an_activity_is_refused(holder_client, today, credit, says):
    response = holder_client.post(
        reverse("tracker:activity-add", args=["presenting"]),
        {"title": "Talk", "credit": credit, "completion_date": us(today), "token": uuid.uuid4()},
    )
    assert says in response.content.decode()
    assert not CreditEntry.objects.exists()


def test_grade_below_c_is_refused(holder_client, today):
    response = holder_client.post(
        reverse("tracker:activity-add", args=["college"]),
        {
            "title": "Anatomy I",
            "credit_hours": "3",
            "grade": "C-",
            "completion_date": us(today),
            "token": uuid.uuid4(),
        },
    )
    assert "grade of C or better" in response.content.decode()
    assert not CreditEntry.objects.exists()


# --- Other activities --------------------------------------------------------------------------


def test_college_credit_follows_the_rules(holder_client, holder, today):
    holder_client.post(
        reverse("tracker:activity-add", args=["college"]),
        {
            "title": "Exercise physiology",
            "credit_hours": "3",
            "grade": "B+",
            "completion_date": us(today),
            "token": uuid.uuid4(),
        },
    )
    assert CreditEntry.objects.get(user=holder).credit == Decimal("2.0")


def test_fixed_value_activities(holder_client, holder, today):
    for slug in ("broadening", "publishing"):
        holder_client.post(
            reverse("tracker:activity-add", args=[slug]),
            {"title": slug, "completion_date": us(today), "token": uuid.uuid4()},
        )
    assert [e.credit for e in CreditEntry.objects.filter(user=holder)] == [Decimal("0.5")] * 2


def test_mentoring_above_its_cap_is_refused(holder_client, today):
    response = holder_client.post(
        reverse("tracker:activity-add", args=["mentoring"]),
        {
            "title": "Youth club",
            "credit": "0.2",
            "completion_date": us(today),
            "token": uuid.uuid4(),
        },
    )
    assert "at most 0.1" in response.content.decode()
    assert not CreditEntry.objects.exists()


def test_cpr_card_with_credit(holder_client, holder, today):
    response = holder_client.post(
        reverse("tracker:cpr-card-add"),
        {
            "issued_on": us(today - datetime.timedelta(days=3)),
            "expires_on": us(today - datetime.timedelta(days=3) + relativedelta(years=2)),
            "log_credit": "on",
        },
    )
    assert response.status_code == 302
    entry = CreditEntry.objects.get(user=holder, kind=Kind.CPR_AED)
    assert entry.credit == Decimal("0.4")


def test_extra_certification(holder_client, holder, gfi, today):
    holder_client.post(
        reverse("tracker:activity-add", args=["extra-certification"]),
        {"program": gfi.pk, "completion_date": us(today), "token": uuid.uuid4()},
    )
    view = selectors.snapshot(holder)
    (result,) = [r for r in view.results if r.is_current]
    assert result.met


def test_certification_add_form(pro_client, professional, hc):
    response = pro_client.post(
        reverse("tracker:certification-add"),
        {"program": hc.pk, "earned_on": "03/15/2025", "number": "HC-1"},
    )
    assert response.status_code == 302
    cycle = Cycle.objects.get(certification__user=professional)
    assert (cycle.starts_on, cycle.ends_on) == (
        datetime.date(2025, 3, 15),
        datetime.date(2027, 3, 31),
    )
    again = pro_client.post(
        reverse("tracker:certification-add"), {"program": hc.pk, "earned_on": "03/15/2025"}
    )
    assert "already hold" in again.content.decode()


# --- Edit, delete, renew ------------------------------------------------------------------------


def test_edit_and_delete_are_audited(holder_client, holder, today):
    entry = services.credit_add(
        user=holder,
        kind=Kind.PRESENTING,
        title="Talk",
        credit=Decimal("0.2"),
        completion_date=today,
    )
    response = holder_client.post(
        reverse("tracker:entry-edit", args=[entry.pk]),
        {"completion_date": us(today), "title": "Keynote", "credit": "0.3", "note": ""},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.credit == Decimal("0.3") and entry.title == "Keynote"
    change = entry.history.get(history_type="~")
    assert change.prev_record.credit == Decimal("0.2") and change.credit == Decimal("0.3")
    assert change.history_user == holder
    holder_client.post(reverse("tracker:entry-delete", args=[entry.pk]))
    assert not CreditEntry.objects.filter(pk=entry.pk).exists()
    deleted = CreditEntry.history.get(id=entry.pk, history_type="-")
    assert deleted.title == "Keynote" and deleted.history_user == holder


def test_the_edit_page_shows_what_each_change_changed(holder_client, holder, today):
    entry = services.credit_add(
        user=holder,
        kind=Kind.PRESENTING,
        title="Talk",
        credit=Decimal("0.2"),
        completion_date=today,
    )
    url = reverse("tracker:entry-edit", args=[entry.pk])
    holder_client.post(
        url, {"completion_date": us(today), "title": "Keynote", "credit": "0.3", "note": ""}
    )
    html = holder_client.get(url).content.decode()
    assert "title Talk → Keynote;" in html
    assert "credit 0.2 → 0.3;" in html
    # What did not change is not listed.
    assert "completion_date" not in html.split("History", 1)[1]


def test_editing_a_date_out_of_every_current_cycle_needs_confirmation(holder_client, holder, today):
    """Holder's cycle began a year ago: two years ago is in no cycle, as when adding."""
    course = CourseFactory(number="CA23456", cec_value=Decimal("0.3"))
    entry = services.credit_add(
        user=holder, kind=Kind.APPROVED_COURSE, course=course, completion_date=today
    )
    url = reverse("tracker:entry-edit", args=[entry.pk])
    outside = today - relativedelta(years=2)
    data = {"completion_date": us(outside), "title": "", "note": ""}
    response = holder_client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "outside every current renewal cycle" in html
    assert "Save it anyway" in html
    entry.refresh_from_db()
    assert entry.completion_date == today

    # Untouched, the box is not shown; confirmed, the new date is kept.
    assert "Save it anyway" not in holder_client.get(url).content.decode()
    response = holder_client.post(url, data | {"confirm_outside": "on"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.completion_date == outside

    # An entry already outside every cycle can have its note changed without asking again.
    response = holder_client.post(url, data | {"note": "audit copy"})
    assert response.status_code == 302


def test_renew_then_the_old_cycle_is_read_only(holder_client, holder, today):
    course_a = CourseFactory(cec_value=Decimal("1.0"))
    course_b = CourseFactory(cec_value=Decimal("1.5"))
    a = services.credit_add(
        user=holder, kind=Kind.APPROVED_COURSE, course=course_a, completion_date=today
    )
    services.credit_add(
        user=holder, kind=Kind.APPROVED_COURSE, course=course_b, completion_date=today
    )
    page = holder_client.get(reverse("tracker:dashboard")).content.decode()
    assert "Ready to renew" in page and ">Record renewal</a>" in page
    cert = holder.certifications.get()
    old = cert.cycles.get()
    # The button opens a confirmation that changes nothing by itself.
    confirm = holder_client.get(reverse("tracker:cycle-renew", args=[cert.pk])).text
    assert "closes with\n      <strong>2.5 of 2.0 CECs</strong>" in confirm
    assert "0.5 CEC beyond the requirement: credit does not carry over" in confirm
    next_start = old.ends_on + datetime.timedelta(days=1)
    assert f"Your next cycle runs from {next_start:%m/%d/%Y}" in confirm
    assert cert.cycles.count() == 1
    gap_end = old.ends_on
    assert f"Anything you complete from {today:%m/%d/%Y} to {gap_end:%m/%d/%Y}" in confirm
    holder_client.post(reverse("tracker:cycle-renew", args=[cert.pk]))
    old.refresh_from_db()
    assert old.renewed_on == today
    new = cert.cycles.get(renewed_on__isnull=True)
    assert new.starts_on == old.ends_on + datetime.timedelta(days=1)
    response = holder_client.post(
        reverse("tracker:entry-edit", args=[a.pk]), {"completion_date": us(today), "title": "x"}
    )
    assert "read-only" in response.content.decode()
    holder_client.post(reverse("tracker:entry-delete", args=[a.pk]))
    assert CreditEntry.objects.filter(pk=a.pk).exists()
    page = holder_client.get(reverse("tracker:dashboard")).content.decode()
    assert "Past cycles (1)" in page


def test_renew_is_refused_when_not_ready(holder_client, holder):
    cert = holder.certifications.get()
    page = holder_client.get(reverse("tracker:cycle-renew", args=[cert.pk])).text
    assert "cannot be renewed from here yet: ACE CPT: 2.0 CECs to go by" in page
    assert "Record renewal</button>" not in page
    holder_client.post(reverse("tracker:cycle-renew", args=[cert.pk]))
    assert cert.cycles.count() == 1


# --- Isolation ----------------------------------------------------------------------------------


@pytest.fixture
def someone_elses_entry(today):
    other = ProfessionalFactory()
    entry = services.credit_add(
        user=other,
        kind=Kind.PRESENTING,
        title="Talk",
        credit=Decimal("0.2"),
        completion_date=today,
        certificate=SimpleUploadedFile("c.png", png_bytes(), "image/png"),
    )
    return entry


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("tracker:entry-edit", "get"),
        ("tracker:entry-edit", "post"),
        ("tracker:entry-delete", "get"),
        ("tracker:entry-delete", "post"),
        ("tracker:entry-certificate", "get"),
    ],
)
def test_another_professionals_entry_is_404(holder_client, someone_elses_entry, name, method):
    url = reverse(name, args=[someone_elses_entry.pk])
    response = getattr(holder_client, method)(url, {"completion_date": "01/01/2025"})
    assert response.status_code == 404
    assert CreditEntry.objects.filter(pk=someone_elses_entry.pk).exists()


def test_another_professionals_transcript_and_renewal_are_404(holder_client, someone_elses_entry):
    other = someone_elses_entry.user
    cert = services.certification_add(
        user=other, program=holder_client_program(), earned_on=datetime.date(2025, 3, 15)
    )
    cycle = cert.cycles.get()
    assert holder_client.get(reverse("tracker:transcript", args=[cycle.pk])).status_code == 404
    assert holder_client.post(reverse("tracker:cycle-renew", args=[cert.pk])).status_code == 404


def holder_client_program():
    from tracker.models import Program

    return Program.objects.get(name="Health Coach")


def test_certificate_download_for_owner_and_reviewer(client, someone_elses_entry):
    owner = someone_elses_entry.user
    url = reverse("tracker:entry-certificate", args=[someone_elses_entry.pk])
    for user in (owner, ReviewerFactory()):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        # An image shows in the browser; the type is the one read from its content.
        assert response["Content-Disposition"].startswith("inline")
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")


# --- Exports ------------------------------------------------------------------------------------


def test_csv_and_transcript_totals_match_the_dashboard(holder_client, holder, today):
    course = CourseFactory(number="CA23456", cec_value=Decimal("0.3"))
    services.credit_add(
        user=holder, kind=Kind.APPROVED_COURSE, course=course, completion_date=today
    )
    services.credit_add(
        user=holder,
        kind=Kind.PRESENTING,
        title="=HYPERLINK()",
        credit=Decimal("0.4"),
        completion_date=today,
    )
    view = selectors.snapshot(holder)
    (result,) = [r for r in view.results if r.is_current]
    assert result.total == Decimal("0.7")
    csv_text = b"".join(holder_client.get(reverse("tracker:export-csv")).streaming_content).decode()
    assert f",2.0,0.7,1.3,{result.status.label}," in csv_text
    assert "'=HYPERLINK()" in csv_text
    transcript = holder_client.get(reverse("tracker:transcript", args=[result.cycle.id]))
    assert "<strong>0.7</strong>" in transcript.content.decode()
    dashboard = holder_client.get(reverse("tracker:dashboard")).content.decode()
    assert '<strong class="progress-total">0.7</strong> of 2.0 CECs' in dashboard


def test_record_renewal_confirms_when_the_next_cycle_starts(client):
    from tests.tracker.factories import CertificationFactory, CprCardFactory, CreditEntryFactory

    cert = CertificationFactory(earned_on=datetime.date.today() - relativedelta(months=3))
    cycle = cert.cycles.get()
    CprCardFactory(user=cert.user, expires_on=cycle.ends_on + relativedelta(years=1))
    CreditEntryFactory(
        user=cert.user,
        course=CourseFactory(cec_value=Decimal("2.0")),
        credit=Decimal("2.0"),
        completion_date=datetime.date.today() - relativedelta(days=5),
    )
    client.force_login(cert.user)
    html = client.get(reverse("tracker:dashboard")).content.decode()
    next_start = (cycle.ends_on + relativedelta(days=1)).strftime("%m/%d/%Y")
    assert ">Record renewal</a>" in html
    html = client.get(reverse("tracker:cycle-renew", args=[cert.pk])).content.decode()
    assert f"Your next cycle runs from {next_start}" in html
    assert "it falls in the closed cycle, before the next one starts" in html


def test_deleting_says_what_it_takes_away_before_doing_it(holder_client, holder, today):
    entry = services.credit_add(
        user=holder,
        kind=Kind.APPROVED_COURSE,
        course=CourseFactory(cec_value=Decimal("0.3")),
        completion_date=today,
    )
    url = reverse("tracker:entry-delete", args=[entry.pk])
    page = holder_client.get(url).text
    assert "ACE CPT loses 0.3 CEC." in page
    assert "The entry's history stays on record." in page
    assert CreditEntry.objects.filter(pk=entry.pk).exists()
    holder_client.post(url)
    assert not CreditEntry.objects.filter(pk=entry.pk).exists()
