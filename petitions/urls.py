from django.urls import path

from . import views

app_name = "petitions"

urlpatterns = [
    path("", views.petition_list, name="list"),
    path("<int:pk>/", views.petition_detail, name="detail"),
    path("queue/", views.queue, name="queue"),
]
