from django.core.files.base import ContentFile

from petitions.models import Document
from petitions.samples import png_bytes
from tests.access import (
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    PAGE,
    REDIRECT,
    Route,
    reviewers_only,
    signed_in,
)
from tests.petitions.factories import PetitionFactory


def build(world):
    world.petition = PetitionFactory(user=world.professional)
    document = Document(
        petition=world.petition, label="certificate.png", content_type="image/png", size=1
    )
    document.file.save("access.png", ContentFile(png_bytes()), save=False)
    document.size = document.file.size
    document.save()
    world.document = document


def _petition(w):
    return {"pk": w.petition.pk}


# The owner and reviewers see a petition; anyone else is told it does not exist.
OWNER_OR_REVIEWER = {
    "anonymous": LOGIN,
    "professional": PAGE,
    "provider_staff": NOT_FOUND,
    "reviewer": PAGE,
    "admin": PAGE,
}


def reviewer_action(get_reviewer=NOT_ALLOWED):
    """A reviewer-only POST action visited with GET."""
    return reviewers_only() | {"reviewer": get_reviewer, "admin": get_reviewer}


ROUTES = [
    Route("petitions:list", signed_in()),
    Route("petitions:new", signed_in()),
    Route("petitions:preview", signed_in()),
    Route("petitions:preview", signed_in(), query="type=college&completion_date=bad&grade=Z"),
    Route("petitions:detail", OWNER_OR_REVIEWER, kwargs=_petition),
    Route("petitions:document", OWNER_OR_REVIEWER, kwargs=lambda w: {"pk": w.document.pk}),
    Route("petitions:withdraw", signed_in(NOT_ALLOWED), kwargs=_petition),
    Route("petitions:respond", signed_in(NOT_ALLOWED), kwargs=_petition),
    # Posting another's petition's actions: it does not exist for them. The owner's petition
    # awaits no information: back to it, with a message saying so.
    Route(
        "petitions:respond",
        signed_in(NOT_FOUND) | {"professional": REDIRECT},
        kwargs=_petition,
        method="post",
    ),
    Route("petitions:queue", reviewers_only()),
    Route("petitions:queue", reviewers_only(), query="status=nope&type=%00&age=-1&page=zz"),
    Route("petitions:review", reviewers_only(), kwargs=_petition),
    Route("petitions:start-review", reviewer_action(), kwargs=_petition),
    Route("petitions:approve", reviewer_action(), kwargs=_petition),
    Route("petitions:deny", reviewer_action(), kwargs=_petition),
    Route("petitions:request-info", reviewer_action(), kwargs=_petition),
    # An empty denial is refused with the form's message; nothing changes.
    Route(
        "petitions:deny",
        reviewers_only() | {"reviewer": 400, "admin": 400},
        kwargs=_petition,
        method="post",
    ),
    Route(
        "petitions:withdraw",
        signed_in(NOT_FOUND) | {"professional": REDIRECT},
        kwargs=_petition,
        method="post",
    ),
]
