from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("calendar/<slug:token>.ics", views.calendar_feed, name="calendar"),
    path("calendar/link/", views.calendar_link, name="calendar-link"),
    path("calendar/off/", views.calendar_off, name="calendar-off"),
]
