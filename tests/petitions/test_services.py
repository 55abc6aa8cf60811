import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from petitions import services
from petitions.models import Document, Petition, PetitionEvent
from petitions.uploads import check_uploads
from tests.petitions import files
from tests.petitions.helpers import recent, stored_files, submit
from tests.tracker.factories import CertificationFactory
from tracker.models import CreditEntry, Kind

Status = Petition.Status
pytestmark = pytest.mark.django_db


def statuses(petition):
    return list(petition.events.values_list("from_status", "to_status"))


class TestSubmit:
    def test_files_petition_with_documents_and_event(self, professional, certification):
        petition = submit(professional)
        assert petition.status == Status.SUBMITTED
        assert petition.certification == certification
        # 5 contact hours at 10 hours per CEC, suggested since none was typed.
        assert petition.credit_requested == Decimal("0.5")
        docs = list(petition.documents.all())
        assert [d.content_type for d in docs] == ["application/pdf", "image/jpeg"]
        assert [d.label for d in docs] == ["certificate.pdf", "photo.jpg"]
        for doc in docs:
            assert default_storage.exists(doc.file.name)
            assert "certificate" not in doc.file.name and "photo" not in doc.file.name
        (event,) = petition.events.all()
        assert (event.actor, event.from_status, event.to_status) == (professional, "", "submitted")

    def test_the_date_must_be_in_a_current_cycle(self, professional, certification):
        with pytest.raises(ValidationError) as exc:
            submit(professional, completion_date=certification.earned_on - datetime.timedelta(1))
        assert "completion_date" in exc.value.error_dict
        assert not Petition.objects.exists()

    def test_a_professional_without_certification_cannot_file(self, professional):
        with pytest.raises(ValidationError):
            submit(professional)
        assert not Petition.objects.exists()

    def test_future_date_refused(self, professional, certification):
        with pytest.raises(ValidationError):
            submit(professional, completion_date=datetime.date.today() + datetime.timedelta(1))

    @pytest.mark.parametrize(
        ("hours", "grade", "prep", "asked", "error"),
        [
            (Decimal("3"), "B", False, None, None),
            (Decimal("3"), "C", False, Decimal("2.0"), None),
            (Decimal("3"), "C-", False, None, "grade"),
            (Decimal("3"), "B", False, Decimal("2.1"), "credit_requested"),
            (Decimal("3"), "A", True, Decimal("0.6"), "credit_requested"),
            (Decimal("3"), "A", True, Decimal("0.5"), None),
        ],
    )
    def test_college_rules(self, professional, certification, hours, grade, prep, asked, error):
        call = lambda: submit(  # noqa: E731
            professional,
            type=Petition.Type.COLLEGE,
            contact_hours=None,
            credit_hours=hours,
            grade=grade,
            is_prep_course=prep,
            credit_requested=asked,
        )
        if error:
            with pytest.raises(ValidationError) as exc:
                call()
            assert error in exc.value.error_dict
        else:
            petition = call()
            # Suggested: 1.0 per credit hour, capped at 2.0 (0.5 for a prep course).
            assert petition.credit_requested == asked or (
                petition.credit_requested == (Decimal("0.5") if prep else Decimal("2.0"))
            )

    def test_failed_commit_leaves_no_file(
        self, professional, certification, monkeypatch, _private_media
    ):
        def boom(*args, **kwargs):
            raise RuntimeError("database went away")

        monkeypatch.setattr(services, "_record", boom)
        with pytest.raises(RuntimeError):
            submit(professional)
        assert not Petition.objects.exists()
        assert not Document.objects.exists()
        assert stored_files(_private_media) == []


@pytest.fixture
def petition(professional, certification):
    return submit(professional)


class TestStateMachine:
    def test_review_info_resubmit_approve(self, petition, reviewer, professional):
        services.petition_start_review(petition=petition, reviewer=reviewer)
        services.petition_request_info(petition=petition, reviewer=reviewer, note="Send the agenda")
        services.petition_resubmit(
            petition=petition,
            user=professional,
            note="Here it is",
            documents=check_uploads([files.png("agenda.png")]),
        )
        services.petition_approve(petition=petition, reviewer=reviewer)
        petition.refresh_from_db()
        assert petition.status == Status.APPROVED
        assert statuses(petition) == [
            ("", "submitted"),
            ("submitted", "under_review"),
            ("under_review", "info_requested"),
            ("info_requested", "submitted"),
            ("submitted", "approved"),
        ]
        assert petition.documents.count() == 3
        respond = petition.events.get(from_status="info_requested")
        assert respond.actor == professional
        assert "Here it is" in respond.note and "agenda.png" in respond.note
        assert petition.events.get(to_status="info_requested").note == "Send the agenda"

    def test_withdraw_before_decision(self, petition, professional):
        services.petition_withdraw(petition=petition, user=professional, note="Wrong course")
        petition.refresh_from_db()
        assert petition.status == Status.WITHDRAWN
        assert petition.events.last().note == "Wrong course"

    def test_withdrawn_cannot_be_approved(self, petition, professional, reviewer):
        services.petition_withdraw(petition=petition, user=professional)
        with pytest.raises(services.PetitionStateError):
            services.petition_approve(petition=petition, reviewer=reviewer)
        assert not CreditEntry.objects.exists()

    def test_cannot_withdraw_after_decision(self, petition, professional, reviewer):
        services.petition_deny(petition=petition, reviewer=reviewer, reason="Incomplete")
        with pytest.raises(services.AlreadyDecided):
            services.petition_withdraw(petition=petition, user=professional)

    def test_only_the_owner_withdraws_or_resubmits(self, petition, reviewer):
        with pytest.raises(PermissionDenied):
            services.petition_withdraw(petition=petition, user=reviewer)
        services.petition_request_info(petition=petition, reviewer=reviewer, note="More")
        with pytest.raises(PermissionDenied):
            services.petition_resubmit(petition=petition, user=reviewer, note="x")

    def test_only_reviewers_decide(self, petition, professional, provider_staff):
        with pytest.raises(PermissionDenied):
            services.petition_approve(petition=petition, reviewer=provider_staff)
        with pytest.raises(PermissionDenied):
            services.petition_deny(petition=petition, reviewer=professional, reason="no")

    def test_a_reviewer_cannot_decide_their_own(self, reviewer):
        CertificationFactory(user=reviewer)
        own = submit(reviewer)
        with pytest.raises(services.PetitionStateError, match="your own"):
            services.petition_approve(petition=own, reviewer=reviewer)

    def test_resubmit_needs_something(self, petition, professional, reviewer):
        services.petition_request_info(petition=petition, reviewer=reviewer, note="More")
        with pytest.raises(ValidationError):
            services.petition_resubmit(petition=petition, user=professional, note="  ")

    def test_resubmit_only_when_asked(self, petition, professional):
        with pytest.raises(services.PetitionStateError):
            services.petition_resubmit(petition=petition, user=professional, note="hi")

    def test_request_info_needs_a_note(self, petition, reviewer):
        with pytest.raises(ValidationError):
            services.petition_request_info(petition=petition, reviewer=reviewer, note="")
        assert petition.events.count() == 1


class TestDecisions:
    def test_approve_creates_exactly_one_entry(
        self, petition, reviewer, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.petition_approve(petition=petition, reviewer=reviewer)
        petition.refresh_from_db()
        assert petition.credit_awarded == Decimal("0.5")  # defaults to the request
        assert petition.decided_by == reviewer and petition.decided_at
        entry = CreditEntry.objects.get()
        assert entry.petition == petition
        assert entry.kind == Kind.PETITION
        assert entry.source == CreditEntry.Source.PETITION
        assert entry.credit == Decimal("0.5")
        assert entry.title == petition.course_title
        assert entry.completion_date == petition.completion_date
        assert len(callbacks) == 1
        (email,) = mail.outbox
        assert email.to == [petition.user.email]
        assert "approved" in email.subject.lower()
        assert "0.5" in email.body

    def test_email_only_after_commit(self, petition, reviewer, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.petition_approve(petition=petition, reviewer=reviewer)
            assert mail.outbox == []
        assert len(callbacks) == 1
        assert mail.outbox == []

    def test_award_another_amount(self, petition, reviewer):
        services.petition_approve(petition=petition, reviewer=reviewer, credit=Decimal("0.3"))
        assert CreditEntry.objects.get().credit == Decimal("0.3")

    def test_double_click_approves_once(
        self, petition, reviewer, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.petition_approve(petition=petition, reviewer=reviewer)
        with (
            django_capture_on_commit_callbacks(execute=True) as second,
            pytest.raises(services.AlreadyDecided, match="already decided"),
        ):
            services.petition_approve(petition=petition, reviewer=reviewer)
        assert second == []
        assert CreditEntry.objects.count() == 1
        assert len(mail.outbox) == 1
        assert petition.events.filter(to_status=Status.APPROVED).count() == 1

    def test_deny_after_approve_is_already_decided(self, petition, reviewer):
        services.petition_approve(petition=petition, reviewer=reviewer)
        with pytest.raises(services.AlreadyDecided):
            services.petition_deny(petition=petition, reviewer=reviewer, reason="No")
        petition.refresh_from_db()
        assert petition.status == Status.APPROVED

    def test_deny_needs_a_reason_and_makes_no_entry(
        self, petition, reviewer, django_capture_on_commit_callbacks
    ):
        with pytest.raises(ValidationError):
            services.petition_deny(petition=petition, reviewer=reviewer, reason="  ")
        with django_capture_on_commit_callbacks(execute=True):
            services.petition_deny(petition=petition, reviewer=reviewer, reason="No certificate")
        petition.refresh_from_db()
        assert petition.status == Status.DENIED
        assert petition.decision_reason == "No certificate"
        assert not CreditEntry.objects.exists()
        (email,) = mail.outbox
        assert "denied" in email.subject.lower() and "No certificate" in email.body

    def test_request_info_emails_the_professional(
        self, petition, reviewer, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.petition_request_info(petition=petition, reviewer=reviewer, note="Agenda?")
        (email,) = mail.outbox
        assert "Agenda?" in email.body

    def test_zero_award_refused(self, petition, reviewer):
        with pytest.raises(ValidationError):
            services.petition_approve(petition=petition, reviewer=reviewer, credit=Decimal("0"))
        assert not CreditEntry.objects.exists()


class TestCaps:
    @pytest.fixture
    def college(self, professional, certification):
        def make(prep=False, asked=None):
            return submit(
                professional,
                type=Petition.Type.COLLEGE,
                contact_hours=None,
                credit_hours=Decimal("3"),
                grade="A",
                is_prep_course=prep,
                credit_requested=asked,
                course_title=f"Anatomy {prep}",
            )

        return make

    def test_college_capped_at_two(self, college, reviewer):
        petition = college()
        with pytest.raises(ValidationError) as exc:
            services.petition_approve(petition=petition, reviewer=reviewer, credit=Decimal("2.1"))
        assert "At most 2.0" in str(exc.value)
        services.petition_approve(petition=petition, reviewer=reviewer, credit=Decimal("2.0"))
        assert CreditEntry.objects.get().credit == Decimal("2.0")

    def test_prep_course_capped_at_half(self, college, reviewer):
        petition = college(prep=True)
        assert petition.credit_requested == Decimal("0.5")
        with pytest.raises(ValidationError):
            services.petition_approve(petition=petition, reviewer=reviewer, credit=Decimal("0.6"))
        assert not CreditEntry.objects.exists()

    def test_ncca_capped_at_its_value(self, professional, certification, reviewer):
        petition = submit(professional, type=Petition.Type.NCCA, contact_hours=None)
        assert petition.credit_requested == Decimal("0.5")
        with pytest.raises(ValidationError):
            services.petition_approve(petition=petition, reviewer=reviewer, credit=Decimal("1.0"))

    def test_event_records_the_award(self, professional, certification, reviewer):
        petition = submit(professional, credit_requested=Decimal("0.4"))
        services.petition_approve(petition=petition, reviewer=reviewer, note="Fine")
        event = PetitionEvent.objects.filter(petition=petition).last()
        assert event.actor == reviewer and event.to_status == "approved"
        assert "Awarded 0.4" in event.note and "Fine" in event.note
        assert recent() == petition.completion_date
