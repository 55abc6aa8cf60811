"""Permissions are read once and kept in the cache; any change to who holds what is seen on the
person's very next request (accounts.backends)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import REVIEWER

pytestmark = pytest.mark.django_db

QUEUE = reverse("catalog:review-queue")


def permission(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def status(client):
    return client.get(QUEUE).status_code


def permission_queries(client, url=QUEUE):
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return [q["sql"] for q in ctx.captured_queries if "auth_permission" in q["sql"]]


def test_a_second_page_reads_no_permissions(client, reviewer):
    client.force_login(reviewer)
    assert permission_queries(client)  # the first page reads them
    assert permission_queries(client) == []
    assert status(client) == 200


def test_joining_and_leaving_the_reviewers_is_seen_at_once(client, professional):
    client.force_login(professional)
    assert status(client) == 403
    reviewers = Group.objects.get(name=REVIEWER)
    professional.groups.add(reviewers)
    assert status(client) == 200
    professional.groups.remove(reviewers)
    assert status(client) == 403
    reviewers.user_set.add(professional)  # from the group's side
    assert status(client) == 200
    reviewers.user_set.clear()
    assert status(client) == 403


def test_a_permission_granted_to_one_person_and_taken_back(client, professional):
    client.force_login(professional)
    assert status(client) == 403
    professional.user_permissions.add(permission("catalog.review_course"))
    assert status(client) == 200
    professional.user_permissions.clear()
    assert status(client) == 403


def test_a_group_losing_a_permission_loses_it_for_every_member(client, reviewer):
    client.force_login(reviewer)
    assert status(client) == 200
    reviewers = Group.objects.get(name=REVIEWER)
    reviewers.permissions.remove(permission("catalog.review_course"))
    assert status(client) == 403
    reviewers.permissions.add(permission("catalog.review_course"))
    assert status(client) == 200


def test_a_deleted_group_takes_its_permissions_with_it(client, reviewer):
    client.force_login(reviewer)
    assert status(client) == 200
    Group.objects.get(name=REVIEWER).delete()
    assert status(client) == 403


def test_one_persons_permissions_are_not_anothers(client, reviewer, professional):
    client.force_login(reviewer)
    assert status(client) == 200
    client.force_login(professional)
    assert status(client) == 403


def menus(client) -> str:
    html = client.get(reverse("catalog:course-list")).content.decode()
    return html.split("<header>", 1)[1].split("</header>", 1)[0]


def test_the_cached_header_follows_roles_and_the_page(client, professional):
    client.force_login(professional)
    assert "Petition queue" not in menus(client)
    assert "Petition queue" not in menus(client)  # from the cache
    professional.groups.add(Group.objects.get(name=REVIEWER))
    header = menus(client)
    assert "Petition queue" in header and "Course registrations" in header
    professional.user_permissions.add(permission("petitions.review_petition"))
    Group.objects.get(name=REVIEWER).permissions.remove(permission("petitions.review_petition"))
    assert "Petition queue" in menus(client)  # still held directly
    professional.user_permissions.clear()
    assert "Petition queue" not in menus(client)
    # The page being shown is marked in the menu: My CECs here, the catalog above.
    mine = client.get(reverse("tracker:dashboard")).content.decode()
    assert 'href="/my/cecs/">My CECs' in mine.replace('active" aria-current="page"', "")
    assert 'active" aria-current="page" href="/my/cecs/"' in mine
    assert 'active" aria-current="page" href="/catalog/"' in menus(client)


def test_one_persons_address_is_not_in_anothers_header(client, professional, reviewer):
    client.force_login(professional)
    assert professional.email in menus(client)
    client.force_login(reviewer)
    header = menus(client)
    assert reviewer.email in header and professional.email not in header
