"""Demo accounts, one per role. Loading twice changes nothing."""

from .models import User
from .roles import PROFESSIONAL, PROVIDER_STAFF, REVIEWER, add_to_role

DEMO_PASSWORD = "cecportal-demo"

DEMO_USERS = {
    "professional": ("pro@example.com", "Pat", "Rivera"),
    # Holds ACE and NASM certifications: one course credits both, each in its own unit.
    "ace_nasm_pro": ("dual@example.com", "Dana", "Lee"),
    "provider_staff": ("provider@example.com", "Priya", "Shah"),
    "reviewer": ("reviewer@example.com", "Robin", "Okafor"),
    "admin": ("admin@example.com", "Alex", "Morgan"),
}


def demo_user(role):
    return User.objects.get(email=DEMO_USERS[role][0])


def load(stdout=None):
    users = {}
    for role, (email, first, last) in DEMO_USERS.items():
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        changed = created
        if role == "admin" and not (user.is_staff and user.is_superuser):
            user.is_staff = user.is_superuser = changed = True
        if changed:  # saving an unchanged person would add a row to their history
            user.save()
        add_to_role(user, PROFESSIONAL)
        if role == "provider_staff":
            add_to_role(user, PROVIDER_STAFF)
        if role == "reviewer":
            add_to_role(user, REVIEWER)
        users[role] = user
    return users
