"""Pages cached whole (cecportal.holes): one copy for everyone with the same menus, each request
filled in with its own CSRF token, script nonce and the person's address; never served in place
of a page that has a message to show, and never for a page the person may not see."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from catalog.models import Course
from petitions import services as petition_services
from petitions.models import Petition
from tests.accounts.factories import ProfessionalFactory, ReviewerFactory
from tests.catalog.factories import CourseFactory
from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.django_db

HOLE = re.compile(r"hole[0-9a-f]{20}")


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_a_shared_page_shows_each_person_their_own_address():
    CourseFactory(title="Kettlebell basics")
    first, second = ProfessionalFactory(), ProfessionalFactory()
    url = reverse("catalog:course-list")
    for _ in range(2):
        assertContains(signed_in(first).get(url), first.email)
    page = signed_in(second).get(url)  # the same cached page, filled in for the second person
    assertContains(page, second.email)
    assertNotContains(page, first.email)
    assertContains(page, "Kettlebell basics")
    assert HOLE.search(page.content.decode()) is None


def test_people_with_other_menus_do_not_share_a_cached_page():
    CourseFactory()
    url = reverse("catalog:course-list")
    professional = signed_in(ProfessionalFactory())
    assertNotContains(professional.get(url), "Import a CSV")
    assertContains(signed_in(ReviewerFactory()).get(url), "Import a CSV")
    assertNotContains(professional.get(url), "Import a CSV")
    # Nobody signed in: no address, no way out, a way in.
    anonymous = Client().get(url)
    assertContains(anonymous, "Log in")
    assertNotContains(anonymous, "Log out")
    assert HOLE.search(anonymous.content.decode()) is None


def test_a_cached_page_carries_this_responses_script_nonce():
    course = CourseFactory()
    client = signed_in(ProfessionalFactory())
    url = reverse("catalog:course-detail", args=[course.pk])
    nonces = []
    for _ in range(3):
        response = client.get(url)
        found = set(re.findall(r'<script nonce="([^"]+)"', response.content.decode()))
        assert len(found) == 1
        nonce = found.pop()
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        nonces.append(nonce)
    assert len(set(nonces)) == 3


def test_a_course_taken_out_of_the_catalog_is_not_served_from_the_cache():
    course = CourseFactory()
    client = signed_in(ProfessionalFactory())
    url = reverse("catalog:course-detail", args=[course.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    Course.objects.filter(pk=course.pk).update(status=Course.Status.WITHDRAWN)
    assert client.get(url).status_code == 404


def test_a_message_shows_on_a_page_that_was_cached():
    reviewer = ReviewerFactory()
    petition = PetitionFactory()
    petition_services.petition_deny(petition=petition, reviewer=reviewer, reason="Not fitness.")
    client = signed_in(reviewer)
    url = reverse("petitions:review", args=[petition.pk])
    client.get(url)
    assert client.get(url).status_code == 200  # cached; nothing changes it below
    # Denying it again is refused: a message on the same page, whose data did not change.
    response = client.post(
        reverse("petitions:deny", args=[petition.pk]), {"reason": "Again."}, follow=True
    )
    assert response.redirect_chain[-1][0] == url
    assertContains(response, 'class="messages"')
    assert Petition.objects.get(pk=petition.pk).status == Petition.Status.DENIED
    # Shown once: the next request is the cached page, without it.
    assertNotContains(client.get(url), 'class="messages"')


def test_a_form_posted_from_a_cached_shared_page_passes_the_csrf_check():
    reviewer = ReviewerFactory()
    client = signed_in(reviewer, enforce_csrf_checks=True)
    url = reverse("catalog:course-list")
    client.get(url)
    html = client.get(url).content.decode()
    csrf = re.search(
        r'id="logout-form".*?name="csrfmiddlewaretoken" value="([^"]+)"', html, re.S
    ).group(1)
    response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": csrf})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
