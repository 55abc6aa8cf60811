from notices.calendar import calendar_token_renew
from notices.services import unsubscribe_token
from tests.access import NOT_ALLOWED, NOT_FOUND, REDIRECT, Route, everyone, public, signed_in
from tests.accounts.factories import ProfessionalFactory


def build(world):
    world.unsubscribe = unsubscribe_token(world.professional.pk, "reminders")
    # The feed belongs to someone outside the roles walked, so no role's own POST to the
    # link buttons (below) replaces it during the walk.
    world.calendar_token = calendar_token_renew(user=ProfessionalFactory())


ROUTES = [
    # Reached from an email, signed in or not: a confirmation page (the POST unsubscribes).
    Route("notices:unsubscribe", public(), kwargs=lambda w: {"token": w.unsubscribe}),
    Route(
        "notices:unsubscribe",
        dict.fromkeys(public(), 400),
        kwargs=lambda w: {"token": "not-a-signed-token"},
    ),
    # A calendar app's subscription: the secret address is the key, with or without a session.
    Route("notices:calendar", public(), kwargs=lambda w: {"token": w.calendar_token}),
    Route("notices:calendar", everyone(NOT_FOUND), kwargs=lambda w: {"token": "no-such-token"}),
    # The profile's calendar buttons act on the signed-in person's own link: POST only.
    Route("notices:calendar-link", signed_in(NOT_ALLOWED)),
    Route("notices:calendar-off", signed_in(NOT_ALLOWED)),
    Route("notices:calendar-link", signed_in(REDIRECT), method="post"),
    Route("notices:calendar-off", signed_in(REDIRECT), method="post"),
]
