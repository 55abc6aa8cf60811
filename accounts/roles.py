"""The four roles of the site, expressed as Django groups and permissions.

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
    REVIEWER: ["catalog.review_course", "petitions.review_petition", "tracker.view_professional"],
}

REVIEW_COURSES = "catalog.review_course"
REGISTER_COURSES = "catalog.register_course"
REVIEW_PETITIONS = "petitions.review_petition"


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


def in_group(user, group_name):
    if not user.is_authenticated:
        return False
    names = getattr(user, "_role_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._role_names = names
    return group_name in names


def is_provider_staff(user):
    return user.is_authenticated and user.provider_id is not None and in_group(user, PROVIDER_STAFF)


def is_reviewer(user):
    return user.is_authenticated and (user.is_superuser or in_group(user, REVIEWER))


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
