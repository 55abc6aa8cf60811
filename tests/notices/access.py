from notices.services import unsubscribe_token
from tests.access import Route, public


def build(world):
    world.unsubscribe = unsubscribe_token(world.professional.pk, "reminders")


ROUTES = [
    # Reached from an email, signed in or not: a confirmation page (the POST unsubscribes).
    Route("notices:unsubscribe", public(), kwargs=lambda w: {"token": w.unsubscribe}),
    Route(
        "notices:unsubscribe",
        dict.fromkeys(public(), 400),
        kwargs=lambda w: {"token": "not-a-signed-token"},
    ),
]
