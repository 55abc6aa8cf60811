import pytest
from django.core.cache import cache

from tests.api.factories import bearer, make_token


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with every token's call budget full."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(provider_staff):
    return provider_staff


@pytest.fixture
def token_and_secret(staff):
    return make_token(staff)


@pytest.fixture
def auth(token_and_secret):
    return bearer(token_and_secret[1])
