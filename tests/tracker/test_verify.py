"""Public verification: only the allowed fields, one answer for no match and a wrong name,
a rate limit per address, and a QR code on the transcript that encodes the holder's result."""

import re

import pytest
from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.urls import reverse

from tests.accounts.factories import ProfessionalFactory
from tracker import services, verification
from tracker.models import Program

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def holder_with_number(holder, today):
    holder.first_name, holder.last_name = "Dana", "Rivera"
    holder.save()
    ace = holder.certifications.get()
    ace.number = "ACE-778899"
    ace.save()
    nasm = Program.objects.get(certifier__code="nasm", abbreviation="CPT")
    services.certification_add(
        user=holder, program=nasm, earned_on=today - relativedelta(months=4), number="NASM-1"
    )
    return holder


def _answer(response) -> str:
    html = response.content.decode()
    match = re.search(r'<section id="verify-answer".*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_the_answer_shows_only_name_certifier_program_status_and_date(client, holder_with_number):
    response = client.get(
        reverse("verify:lookup"), {"number": " ace-778899 ", "last_name": "RIVERA"}
    )
    answer = _answer(response)
    assert "Dana Rivera" in answer
    assert "American Council on Exercise" in answer or "ACE" in answer
    assert "Certified Personal Trainer" in answer and "Current" in answer
    cycle_end = holder_with_number.certifications.get(number="ACE-778899").cycles.get().ends_on
    assert f"{cycle_end:%m/%d/%Y}" in answer
    # Nothing else: no email, no credits, no other certification.
    assert holder_with_number.email not in response.content.decode()
    assert "NASM" not in answer and "CEC" not in answer
    assert response["X-Robots-Tag"] == "noindex"


def test_no_match_wrong_name_and_hostile_input_get_the_same_answer(client, holder_with_number):
    url = reverse("verify:lookup")
    # Identical responses but for the per-response script nonce and form token.
    answers = {
        (response.status_code, re.sub(rb'(nonce="|X-CSRFToken": ")[^"]*"', b"", response.content))
        for response in (
            client.get(url, params)
            for params in (
                {"number": "ACE-000000", "last_name": "Rivera"},
                {"number": "ACE-778899", "last_name": "Smith"},
                {"number": "<script>alert(1)</script>", "last_name": "Rivera"},
                {"number": "ACE-778899", "last_name": "R" * 10_000},
                {"number": "", "last_name": ""},
                {"number": "ACE-778899\x00", "last_name": "Rivera"},
            )
        )
    }
    assert len(answers) == 1
    status, content = answers.pop()
    assert status == 200 and b"No certification matches" in content


def test_the_status_follows_the_cycle_dates(holder_with_number, today):
    ace = holder_with_number.certifications.get(number="ACE-778899")
    deadline = ace.cycles.get().ends_on
    (found,) = verification.find("ACE-778899", "rivera", today=deadline)
    assert found.status == "current"
    (found,) = verification.find("ACE-778899", "rivera", today=deadline + relativedelta(days=1))
    assert (found.status, found.status_label) == ("grace", "In grace period")
    (found,) = verification.find("ACE-778899", "rivera", today=deadline + relativedelta(years=2))
    assert (found.status, found.status_label) == ("lapsed", "Lapsed")


def test_lookups_are_limited_per_address(client, settings, holder_with_number):
    settings.VERIFY_LIMIT = 3
    url = reverse("verify:lookup")
    params = {"number": "ACE-778899", "last_name": "Rivera"}
    for _ in range(3):
        assert client.get(url, params).status_code == 200
    response = client.get(url, params)
    assert response.status_code == 429
    assert b"Too many lookups" in response.content and b"Dana Rivera" not in response.content
    # Another address is not held back.
    assert client.get(url, params, REMOTE_ADDR="10.9.8.7").status_code == 200
    # The empty form itself is never counted.
    assert client.get(url).status_code == 200


def test_the_transcript_qr_code_encodes_the_holders_verification_result(client, holder_with_number):
    client.force_login(holder_with_number)
    cycle = holder_with_number.certifications.get(number="ACE-778899").cycles.get()
    page = client.get(reverse("tracker:transcript", args=[cycle.pk])).content.decode()
    link = re.search(r'class="verify-link text-break" href="([^"]+)"', page).group(1)
    # The QR code on the page is the one made from that link (generation is deterministic).
    assert verification.qr_svg(link) in page
    client.logout()
    path = link.split("://", 1)[1].split("/", 1)[1]
    answer = _answer(client.get("/" + path))
    assert "Dana Rivera" in answer and "Certified Personal Trainer" in answer
    assert "NASM" not in answer
    # The dashboard carries the same link.
    client.force_login(holder_with_number)
    assert link in client.get(reverse("tracker:dashboard")).content.decode()


def test_a_tampered_verification_address_is_not_found(client, holder_with_number):
    ace = holder_with_number.certifications.get(number="ACE-778899")
    token = verification.token_for(ace)
    assert verification.token_for(ace) == token  # stable: a printed QR code keeps working
    assert client.get(reverse("verify:result", args=[token])).status_code == 200
    assert client.get(reverse("verify:result", args=[token[:-2] + "xx"])).status_code == 404
    other = ProfessionalFactory()
    assert client.get(reverse("verify:result", args=[f"{other.pk}"])).status_code == 404
