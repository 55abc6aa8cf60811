"""A decision email about a petition whose title holds a line break is delivered, and no page
claims an email that was not sent."""

import re

import pytest
from django.urls import reverse

from notices.models import Email
from tests.accounts.factories import ProfessionalFactory, ReviewerFactory
from tests.petitions.factories import PetitionFactory
from tests.tracker.factories import CertificationFactory

CONSOLE = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
CLAIMS = re.compile(r"(?<!not )(?<!not yet: )\bemailed\b")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("title", ["Kettlebell\r\ncoaching", "Kettlebell\ncoaching\x0bday"])
def test_a_decision_about_a_title_with_a_line_break_is_emailed(settings, client, capsys, title):
    settings.MAILERS = CONSOLE
    professional, reviewer = ProfessionalFactory(), ReviewerFactory()
    CertificationFactory(user=professional)
    petition = PetitionFactory(user=professional, course_title=title)
    client.force_login(reviewer)
    response = client.post(
        reverse("petitions:approve", args=[petition.pk]), {"credit": "0.5"}, follow=True
    )
    email = Email.objects.get(kind="petition_approved")
    assert email.status == Email.Status.SENT, email.last_error
    printed = capsys.readouterr().out
    subject = re.search(r"^Subject: (.*)$", printed, re.MULTILINE).group(1)
    assert subject.startswith("Petition approved") and "Kettlebell coaching" in subject
    assert f"To: {professional.email}" in printed
    assert "The professional is emailed." in response.text

    client.force_login(professional)
    page = client.get(reverse("petitions:detail", args=[petition.pk])).text
    assert "Decision email: emailed." in page


@pytest.mark.django_db(transaction=True)
def test_no_page_claims_an_email_that_was_not_sent(settings, client):
    settings.MAILERS = {"default": {"BACKEND": "tests.notices.test_outbox.BrokenBackend"}}
    professional, reviewer = ProfessionalFactory(), ReviewerFactory()
    CertificationFactory(user=professional)
    petition = PetitionFactory(user=professional, course_title="Line one\nline two")
    client.force_login(reviewer)
    response = client.post(
        reverse("petitions:deny", args=[petition.pk]), {"reason": "No certificate"}, follow=True
    )
    assert Email.objects.get(kind="petition_denied").status != Email.Status.SENT
    assert CLAIMS.findall(response.text) == []
    client.force_login(professional)
    page = client.get(reverse("petitions:detail", args=[petition.pk])).text
    assert "not emailed yet" in page and CLAIMS.findall(page) == []
