import pytest

from tests.tracker.factories import CertificationFactory


@pytest.fixture
def certification(professional):
    """The professional's certification, earned six months ago, with its current cycle."""
    return CertificationFactory(user=professional)


@pytest.fixture
def certifier(certification):
    return certification.program.certifier
