from tests.access import Route, signed_in

ROUTES = [
    Route("tracker:dashboard", signed_in()),
]
