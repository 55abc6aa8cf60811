"""After logging in, each role lands on its own work; the home page is for visitors."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions.models import Petition
from tests.accounts.factories import (
    PASSWORD,
    AdminFactory,
    ProfessionalFactory,
    ProviderStaffFactory,
    ReviewerFactory,
)
from tests.catalog.factories import CourseFactory, PendingCourseFactory
from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.django_db


def _log_in(client, user, **extra):
    return client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD, **extra}
    )


@pytest.mark.parametrize(
    ("factory", "lands_on"),
    [
        (ProfessionalFactory, "tracker:dashboard"),
        (ProviderStaffFactory, "catalog:provider-courses"),
        (ReviewerFactory, "review-home"),
        (AdminFactory, "review-home"),
    ],
)
def test_each_role_lands_on_its_work(client, factory, lands_on):
    response = _log_in(client, factory())
    assert response.status_code == 302
    assert response["Location"] == reverse(lands_on)
    # The brand link ("/") takes a signed-in person to the same place.
    assert client.get(reverse("home"))["Location"] == reverse(lands_on)


def test_a_next_address_still_wins(client):
    wanted = reverse("petitions:list")
    response = _log_in(client, ReviewerFactory(), next=wanted)
    assert response["Location"] == wanted


def test_visitors_keep_the_home_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Create an account" in response.text


def _count(page, element_id):
    text = page.split(f'id="{element_id}"', 1)[1].split(">", 1)[1]
    return text.split("<", 1)[0].strip()


def test_reviewers_land_on_their_queues_with_counts(client):
    now = timezone.now()
    for _ in range(3):
        PetitionFactory()
    late = PetitionFactory()
    Petition.objects.filter(pk=late.pk).update(submitted_at=now - datetime.timedelta(days=45))
    PetitionFactory(status=Petition.Status.INFO_REQUESTED)
    PetitionFactory(status=Petition.Status.APPROVED)  # decided: in no queue
    PendingCourseFactory()
    PendingCourseFactory()
    CourseFactory()  # approved: not waiting
    client.force_login(ReviewerFactory())

    page = client.get(reverse("review-home")).text

    assert _count(page, "count-petitions") == "4"
    assert "1 past the 30-day target" in page
    assert "1 waiting for the professional" in page
    assert _count(page, "count-courses") == "2"
    assert reverse("petitions:queue") in page
    assert reverse("catalog:review-queue") in page


def test_an_empty_queue_says_so(client):
    client.force_login(ReviewerFactory())
    page = client.get(reverse("review-home")).text
    assert _count(page, "count-petitions") == "0"
    assert "None past the 30-day target" in page


@pytest.mark.parametrize("factory", [ProfessionalFactory, ProviderStaffFactory])
def test_others_are_refused_the_reviewers_landing(client, factory):
    client.force_login(factory())
    assert client.get(reverse("review-home")).status_code == 403
