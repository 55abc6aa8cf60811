import datetime
from decimal import Decimal

from petitions import services
from petitions.models import Petition
from petitions.uploads import check_uploads
from tests.petitions import files


def recent(days=10):
    return datetime.date.today() - datetime.timedelta(days=days)


def submit(user, *, documents=None, **overrides):
    """File a petition through the service, with a PDF and a JPEG unless told otherwise."""
    kwargs = {
        "type": Petition.Type.LIVE_WORKSHOP,
        "course_title": "Kettlebell coaching",
        "provider_name": "Independent Studio",
        "completion_date": recent(),
        "contact_hours": Decimal("5"),
        "credit_requested": None,
        "description": "A hands-on workshop.",
        "documents": check_uploads(documents or [files.pdf(), files.jpeg()]),
    }
    kwargs.update(overrides)
    return services.petition_submit(user=user, **kwargs)


def stored_files(location):
    """Every file under the test's storage folder."""
    return sorted(p for p in location.rglob("*") if p.is_file()) if location.exists() else []
