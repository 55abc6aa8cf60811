from django.apps import AppConfig


class NoticesConfig(AppConfig):
    """What the portal sends people: emails (through the task queue), reminders, digests,
    preferences and the calendar feed."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "notices"
