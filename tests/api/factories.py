from api import services
from api.models import Scope
from tests.accounts.factories import ProviderStaffFactory

ALL_SCOPES = list(Scope.values)


def make_token(staff=None, *, scopes=ALL_SCOPES, name="Test system"):
    """A live token of the staff member's provider, and its secret (as shown once)."""
    staff = staff or ProviderStaffFactory()
    return services.token_create(provider=staff.provider, by=staff, name=name, scopes=scopes)


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
