"""The four roles of the site, expressed as Django groups and permissions.

Access is checked through permissions only (`user.has_perm`): a group is a bundle of them,
and an admin can grant one permission to one person. Whose data a page shows is decided by
the page's queryset (the owner's rows, 404 for anyone else's).

* professional — everyone who signs up;
* provider staff — works for a provider organisation and registers its courses;
* reviewer — decides petitions and course registrations;
* admin — Django's staff/superuser, with the admin site.
"""

from django.contrib.auth.models import Group, Permission

PROFESSIONAL = "Professionals"
PROVIDER_STAFF = "Provider staff"
REVIEWER = "Reviewers"

# app_label.codename of the permissions each group carries. A permission that does not
# exist yet (its app not migrated) is skipped and picked up on a later migrate.
GROUP_PERMISSIONS = {
    PROFESSIONAL: [],
    PROVIDER_STAFF: ["catalog.register_course"],
    REVIEWER: [
        "catalog.review_course",
        "petitions.review_petition",
        "tracker.view_professional",
        "tracker.audit_renewal",
        "reporting.resolve_dispute",
    ],
}

REVIEW_COURSES = "catalog.review_course"
REGISTER_COURSES = "catalog.register_course"
REVIEW_PETITIONS = "petitions.review_petition"
VIEW_PROFESSIONALS = "tracker.view_professional"
AUDIT_RENEWALS = "tracker.audit_renewal"
RESOLVE_DISPUTES = "reporting.resolve_dispute"

# Every permission a reviewer's pages check: holding any one of them shows the review menu.
REVIEWER_PERMISSIONS = (
    REVIEW_PETITIONS,
    REVIEW_COURSES,
    VIEW_PROFESSIONALS,
    AUDIT_RENEWALS,
    RESOLVE_DISPUTES,
)


def ensure_role_groups(**kwargs):
    for name, perms in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm:
                wanted.append(perm)
        group.permissions.add(*wanted)


def add_to_role(user, group_name):
    user.groups.add(Group.objects.get_or_create(name=group_name)[0])


def holders_of(perm):
    """Active users holding `perm`: through a group, granted directly, or as an admin."""
    from django.contrib.auth import get_user_model

    from .backends import BACKEND

    return get_user_model().objects.with_perm(perm, backend=BACKEND)


def is_provider_staff(user):
    """Works for a provider and may register its courses (the provider scopes every query)."""
    return (
        user.is_authenticated and user.provider_id is not None and user.has_perm(REGISTER_COURSES)
    )


def is_reviewer(user):
    """Holds at least one of the reviewers' permissions: for menus only; every page checks
    its own permission with `user.has_perm`."""
    return user.is_authenticated and any(user.has_perm(p) for p in REVIEWER_PERMISSIONS)


def is_admin(user):
    return user.is_authenticated and user.is_staff and user.is_superuser


def landing(user) -> str:
    """The URL name of the page a person's work starts on: a reviewer's queues, provider
    staff's courses, a professional's own CECs."""
    if is_reviewer(user):
        return "review-home"
    if is_provider_staff(user):
        return "catalog:provider-courses"
    return "tracker:dashboard"
