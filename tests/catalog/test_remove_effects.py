"""A reviewer's Remove buttons say what removing changes, beside the button."""

import pytest
from django.urls import reverse

from tests.catalog.factories import CourseApprovalFactory, CourseFactory

pytestmark = pytest.mark.django_db


def test_removing_staff_says_what_it_changes(client, reviewer, provider_staff):
    client.force_login(reviewer)
    page = client.get(reverse("catalog:provider-detail", args=[provider_staff.provider_id])).text
    assert 'aria-describedby="staff-remove-effect"' in page
    assert "they can no longer register or change this provider's courses" in page


def test_removing_an_approval_says_posted_credit_stays(client, reviewer):
    course = CourseFactory()
    CourseApprovalFactory(course=course)
    client.force_login(reviewer)
    page = client.get(reverse("catalog:review-detail", args=[course.pk])).text
    assert 'aria-describedby="approval-remove-effect"' in page
    assert "credit already posted with it stays" in page
