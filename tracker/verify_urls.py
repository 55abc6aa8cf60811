from django.urls import path

from . import verify_views

app_name = "verify"

urlpatterns = [
    path("", verify_views.lookup, name="lookup"),
    path("<str:token>/", verify_views.result, name="result"),
]
