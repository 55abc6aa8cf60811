"""Demo: the demo provider's API token, so its API tokens page shows one (its secret, never
shown, is random; create another on the page to try the API). Loading twice changes nothing."""

from accounts.demo import demo_user

from . import services
from .models import ApiToken, Scope

NAME = "Demo LMS export"


def load():
    staff = demo_user("provider_staff")
    if staff.provider_id is None:
        return
    if ApiToken.objects.of(staff.provider_id).filter(name=NAME).exists():
        return
    services.token_create(
        provider=staff.provider,
        by=staff,
        name=NAME,
        scopes=[Scope.COURSES_READ, Scope.COMPLETIONS_WRITE, Scope.COMPLETIONS_READ],
    )
