from tests.access import NOT_FOUND, Route, reviewers_only, signed_in
from tests.petitions.factories import PetitionFactory


def build(world):
    world.petition = PetitionFactory(user=world.professional)


ROUTES = [
    Route("petitions:list", signed_in()),
    Route(
        "petitions:detail",
        signed_in(NOT_FOUND) | {"professional": "page"},
        kwargs=lambda w: {"pk": w.petition.pk},
    ),
    Route("petitions:queue", reviewers_only()),
]
