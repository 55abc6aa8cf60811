import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from petitions import services
from petitions.models import Document, Petition
from tests.accounts.factories import ProfessionalFactory
from tests.petitions import files
from tests.petitions.helpers import recent, stored_files, submit
from tests.tracker.factories import CertificationFactory
from tracker.models import CreditEntry

pytestmark = pytest.mark.django_db
NEW = reverse("petitions:new")


def form_data(**overrides):
    data = {
        "type": "live_workshop",
        "course_title": "Kettlebell coaching",
        "provider_name": "Independent Studio",
        "completion_date": recent().strftime("%m/%d/%Y"),
        "contact_hours": "5",
        "credit_requested": "",
        "description": "A hands-on workshop.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def petition(professional, certification):
    return submit(professional)


class TestForm:
    def test_without_certification_says_add_one(self, pro_client):
        response = pro_client.get(NEW)
        assertContains(response, "Add a certification first")
        assertNotContains(response, 'name="course_title"')

    def test_shows_the_current_cycle(self, pro_client, certification):
        response = pro_client.get(NEW)
        cycle = certification.cycles.get()
        assertContains(response, f"{cycle.starts_on:%m/%d/%Y} to {cycle.ends_on:%m/%d/%Y}")
        assertContains(response, 'type="file"')
        assertContains(response, "multiple")

    def test_files_a_petition(self, pro_client, professional, certification):
        response = pro_client.post(
            NEW, form_data(documents=[files.pdf(), files.jpeg()]), follow=True
        )
        petition = Petition.objects.get()
        assert response.redirect_chain[-1][0] == petition.get_absolute_url()
        assert petition.user == professional
        assert petition.credit_requested == Decimal("0.5")
        assert petition.documents.count() == 2
        assertContains(response, "Your petition was filed")

    def test_preview_says_cycle_and_suggestion(self, pro_client, certification):
        response = pro_client.get(
            reverse("petitions:preview"),
            {
                "type": "live_workshop",
                "completion_date": recent().strftime("%m/%d/%Y"),
                "contact_hours": "7",
            },
        )
        assertContains(response, "Counts toward")
        assertContains(response, str(certification.program))
        assertContains(response, 'data-suggested="0.7"')
        assertNotContains(response, "<html")

    def test_preview_college_cap(self, pro_client, certification):
        response = pro_client.get(
            reverse("petitions:preview"),
            {
                "type": "college",
                "completion_date": recent().strftime("%m/%d/%Y"),
                "credit_hours": "3",
                "grade": "B",
                "is_prep_course": "on",
            },
        )
        assertContains(response, 'data-suggested="0.5"')
        assertContains(response, "At most 0.5")

    def test_preview_out_of_cycle(self, pro_client, certification):
        response = pro_client.get(
            reverse("petitions:preview"),
            {"type": "live_workshop", "completion_date": "01/01/2001", "contact_hours": "5"},
        )
        assertContains(response, "not inside a current cycle")

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"completion_date": "2024-01-05"}, "completion_date", "MM/DD/YYYY"),
            ({"completion_date": "01/01/2001"}, "completion_date", "not inside a current cycle"),
            (
                {"type": "college", "credit_hours": "3", "grade": "D"},
                "grade",
                "grade of C or better",
            ),
            (
                {"type": "college", "credit_hours": "3", "grade": "A", "credit_requested": "2.5"},
                "credit_requested",
                "At most 2.0",
            ),
            (
                {
                    "type": "college",
                    "credit_hours": "3",
                    "grade": "A",
                    "is_prep_course": "on",
                    "credit_requested": "1.0",
                },
                "credit_requested",
                "At most 0.5",
            ),
            ({"contact_hours": ""}, "contact_hours", "Enter the contact hours"),
            ({"credit_requested": "0.25"}, "credit_requested", "decimal place"),
        ],
    )
    def test_rules_keep_what_was_typed(
        self, pro_client, certification, overrides, field, message, _private_media
    ):
        response = pro_client.post(NEW, form_data(documents=[files.pdf()], **overrides))
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assertContains(response, message)
        assertContains(response, 'value="Kettlebell coaching"')
        assert not Petition.objects.exists()
        assert stored_files(_private_media) == []


BAD_UPLOADS = {
    "renamed executable": ([files.renamed_executable("x.pdf")], "“x.pdf” is not a PDF"),
    "html named pdf": ([files.html_as_pdf("page.pdf")], "“page.pdf” is not a PDF"),
    "truncated pdf": ([files.truncated_pdf("cut.pdf")], "“cut.pdf” is not a complete PDF"),
    "11 MB": ([files.too_big("huge.pdf")], "“huge.pdf” is 11.0\xa0MB"),
    "six files": ([files.pdf(f"c{n}.pdf") for n in range(6)], "at most 5 files; you chose 6"),
    "zero bytes": ([files.empty("empty.pdf")], "“empty.pdf” is empty"),
    "no file": ([], "Attach at least one"),
    "path in the name": (
        [files.upload("../../etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n")],
        "“passwd” is not a PDF",
    ),
    "300-character name": (
        [files.upload("n" * 296 + ".pdf", files.HTML)],
        "is not a PDF, JPEG or PNG",
    ),
    "one bad among good": (
        [files.pdf("good.pdf"), files.jpeg("good.jpg"), files.html_as_pdf("evil.pdf")],
        "“evil.pdf” is not a PDF",
    ),
}


class TestAcceptance4BadUploads:
    """Each bad upload is refused with a message naming the file; nothing is stored."""

    @pytest.mark.parametrize("case", list(BAD_UPLOADS), ids=list(BAD_UPLOADS))
    def test_refused_and_nothing_stored(self, pro_client, certification, _private_media, case):
        uploads, message = BAD_UPLOADS[case]
        response = pro_client.post(NEW, form_data(documents=uploads))
        assert response.status_code == 200
        errors = response.context["form"].errors["documents"]
        assert any(message in e for e in errors), errors
        html = response.content.decode()
        assert message.replace("“", "&ldquo;") in html or message in html
        assertContains(response, 'value="Kettlebell coaching"')
        assertContains(response, "choose your files again")
        assert not Petition.objects.exists()
        assert not Document.objects.exists()
        assert stored_files(_private_media) == []

    def test_long_name_is_labelled_safely(self, pro_client, certification):
        long_name = "n" * 296 + ".pdf"
        pro_client.post(NEW, form_data(documents=[files.pdf(long_name)]))
        document = Document.objects.get()
        assert len(document.label) <= 100 and document.label.endswith(".pdf")
        assert "nnnn" not in document.file.name
        assert document.file.name.startswith("petitions/")

    def test_path_in_name_is_labelled_safely(self, pro_client, certification):
        pro_client.post(NEW, form_data(documents=[files.pdf("../../etc/cert.pdf")]))
        document = Document.objects.get()
        assert document.label == "cert.pdf"
        assert ".." not in document.file.name


class TestDocuments:
    def test_pdf_downloads_with_safe_headers(self, pro_client, petition):
        pdf = petition.documents.get(content_type="application/pdf")
        response = pro_client.get(pdf.get_absolute_url())
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert 'filename="certificate.pdf"' in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")

    def test_image_is_inline(self, pro_client, petition):
        image = petition.documents.get(content_type="image/jpeg")
        response = pro_client.get(image.get_absolute_url())
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"].startswith("inline;")
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_type_is_the_detected_one(self, pro_client, professional, certification):
        submit(professional, documents=[files.upload("scan.pdf", files.png().read(), "text/html")])
        document = Document.objects.get()
        response = pro_client.get(document.get_absolute_url())
        assert response["Content-Type"] == "image/png"

    def test_another_professional_gets_404(self, client, petition):
        client.force_login(ProfessionalFactory())
        for document in petition.documents.all():
            assert client.get(document.get_absolute_url()).status_code == 404

    def test_reviewer_may_open(self, client, reviewer, petition):
        client.force_login(reviewer)
        for document in petition.documents.all():
            assert client.get(document.get_absolute_url()).status_code == 200


class TestIsolation:
    """Acceptance 3: another professional cannot list, open or download; nor reach the queue."""

    def test_other_professional(self, client, petition, provider_staff):
        other = ProfessionalFactory()
        CertificationFactory(user=other)
        for user in (other, provider_staff):
            client.force_login(user)
            assertNotContains(client.get(reverse("petitions:list")), petition.course_title)
            assert client.get(petition.get_absolute_url()).status_code == 404
            assert client.get(reverse("petitions:queue")).status_code == 403
            assert client.get(reverse("petitions:review", args=[petition.pk])).status_code == 403
            post = client.post(reverse("petitions:withdraw", args=[petition.pk]))
            assert post.status_code == 404
            approve = client.post(reverse("petitions:approve", args=[petition.pk]))
            assert approve.status_code == 403
        petition.refresh_from_db()
        assert petition.status == "submitted"

    def test_reviewer_can(self, client, reviewer, petition):
        client.force_login(reviewer)
        assert client.get(petition.get_absolute_url()).status_code == 200
        assert client.get(reverse("petitions:queue")).status_code == 200
        assertContains(client.get(reverse("petitions:queue")), petition.course_title)


class TestOwnerPages:
    def test_list_shows_status_dates_decision_and_reason(
        self, pro_client, professional, certification, reviewer
    ):
        approved = submit(professional, course_title="Approved one")
        denied = submit(professional, course_title="Denied one")
        services.petition_approve(petition=approved, reviewer=reviewer, credit=Decimal("0.4"))
        services.petition_deny(petition=denied, reviewer=reviewer, reason="No certificate")
        response = pro_client.get(reverse("petitions:list"))
        assertContains(response, "Approved one")
        assertContains(response, "Awarded 0.4")
        assertContains(response, "Reason: No certificate")
        assertContains(response, datetime.date.today().strftime("%m/%d/%Y"))

    def test_detail_timeline_and_withdraw(self, pro_client, petition):
        response = pro_client.get(petition.get_absolute_url())
        assertContains(response, "History")
        assertContains(response, "Withdraw the petition")
        pro_client.post(reverse("petitions:withdraw", args=[petition.pk]), {"note": "Oops"})
        petition.refresh_from_db()
        assert petition.status == "withdrawn"
        response = pro_client.get(petition.get_absolute_url())
        assertNotContains(response, "Withdraw the petition")
        assertContains(response, "Oops")

    def test_respond_to_info_request(self, pro_client, petition, reviewer, _private_media):
        services.petition_request_info(petition=petition, reviewer=reviewer, note="Agenda please")
        response = pro_client.get(petition.get_absolute_url())
        assertContains(response, "Answer the reviewer")
        assertContains(response, "Agenda please")
        url = reverse("petitions:respond", args=[petition.pk])
        bad = pro_client.post(url, {"note": "here", "documents": [files.empty("blank.pdf")]})
        assert bad.status_code == 400
        assertContains(bad, "“blank.pdf” is empty", status_code=400)
        assert petition.documents.count() == 2
        before = stored_files(_private_media)
        pro_client.post(url, {"note": "Here", "documents": [files.png("agenda.png")]})
        petition.refresh_from_db()
        assert petition.status == "submitted"
        assert petition.documents.count() == 3
        assert len(stored_files(_private_media)) == len(before) + 1

    def test_withdrawing_with_a_note_too_long_says_so_and_keeps_the_petition(
        self, pro_client, petition
    ):
        url = reverse("petitions:withdraw", args=[petition.pk])
        response = pro_client.post(url, {"note": "x" * 2001})
        assertContains(response, "at most 2000 characters", status_code=400)
        petition.refresh_from_db()
        assert petition.status == "submitted"

    def test_answering_a_petition_that_awaits_nothing_says_why(self, pro_client, petition):
        url = reverse("petitions:respond", args=[petition.pk])
        response = pro_client.post(url, {"note": "Here it is"}, follow=True)
        assertContains(response, "no longer awaits more information")
        petition.refresh_from_db()
        assert petition.status == "submitted" and petition.events.count() == 1


class TestReview:
    def url(self, petition, action=""):
        name = f"petitions:{action}" if action else "petitions:review"
        return reverse(name, args=[petition.pk])

    def test_page_shows_cycle_totals_and_documents(self, client, reviewer, petition):
        client.force_login(reviewer)
        response = client.get(self.url(petition))
        assertContains(response, "current cycles")
        assertContains(response, "0.0 of 2.0")
        for document in petition.documents.all():
            assertContains(response, document.get_absolute_url())
        assertContains(
            response,
            '<img src="' + petition.documents.get(content_type="image/jpeg").get_absolute_url(),
        )
        assertContains(response, 'name="credit" value="0.5"')

    def test_approve_then_again(
        self, client, reviewer, petition, django_capture_on_commit_callbacks
    ):
        client.force_login(reviewer)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(self.url(petition, "approve"), {"credit": "0.5"}, follow=True)
        assertContains(response, "Approved.")
        with django_capture_on_commit_callbacks(execute=True):
            again = client.post(self.url(petition, "approve"), {"credit": "0.5"}, follow=True)
        assertContains(again, "already decided")
        assert CreditEntry.objects.filter(petition=petition).count() == 1
        assert len(mail.outbox) == 1

    def test_deny_requires_a_reason(self, client, reviewer, petition):
        client.force_login(reviewer)
        response = client.post(self.url(petition, "deny"), {"reason": ""})
        assertContains(response, "Give the reason for the denial", status_code=400)
        petition.refresh_from_db()
        assert petition.status == "submitted"

    def test_cap_error_on_the_form(self, client, reviewer, professional, certification):
        petition = submit(
            professional,
            type="college",
            contact_hours=None,
            credit_hours=Decimal("3"),
            grade="A",
            is_prep_course=True,
        )
        client.force_login(reviewer)
        response = client.post(self.url(petition, "approve"), {"credit": "0.6"})
        assertContains(response, "At most 0.5", status_code=400)
        assert not CreditEntry.objects.exists()

    def test_start_review_and_request_info(self, client, reviewer, petition):
        client.force_login(reviewer)
        client.post(self.url(petition, "start-review"))
        petition.refresh_from_db()
        assert petition.status == "under_review"
        client.post(self.url(petition, "request-info"), {"note": "Transcript?"})
        petition.refresh_from_db()
        assert petition.status == "info_requested"


class TestSharedCredit:
    def test_petition_names_every_certification_it_counts_toward(
        self, client, professional, certification, reviewer
    ):
        # Shared credit: a second certification of the same certifier whose current cycle
        # holds the completion date counts the petition too; another certifier's does not.
        from tests.tracker.factories import ProgramFactory

        same = CertificationFactory(
            user=professional,
            program=ProgramFactory(certifier=certification.program.certifier),
        )
        other = CertificationFactory(user=professional)
        petition = submit(professional)
        for user, url in [
            (professional, reverse("petitions:detail", args=[petition.pk])),
            (reviewer, reverse("petitions:review", args=[petition.pk])),
        ]:
            client.force_login(user)
            body = client.get(url).content.decode()
            shown = body.split("data-counts-toward>", 1)[1].split("</dd>", 1)[0]
            assert str(certification.program) in shown and str(same.program) in shown
            assert str(other.program) not in shown


class TestDateOutsideCycles:
    def test_refused_date_is_said_once_on_the_page_and_in_the_preview(
        self, pro_client, certification
    ):
        message = "This date is not inside a current cycle"
        response = pro_client.post(
            NEW, form_data(completion_date="01/01/2010", documents=[files.pdf()])
        )
        assert response.content.decode().count(message) == 1
        assert not Petition.objects.exists()
        preview = pro_client.get(
            reverse("petitions:preview"), {"type": "live_workshop", "completion_date": "01/01/2010"}
        )
        assert preview.content.decode().count(message) == 1
