"""The one history mechanism of the portal: django-simple-history.

Every model whose changes matter (certifications, cycles, CPR/AED cards, the ledger and its
posted credit, course approvals, provider staff, certifiers and their rule versions) declares
`history = History()`. Each save or delete writes a historical row with the person who did it
(the signed-in user, through `HistoryRequestMiddleware`, or the actor a service names with
`note`) and, where the service knows it, why.
"""

from django.db import models
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

LABEL_MAX = 300


class OnBehalf(models.Model):
    """For the history of records that may come from outside the site: who sent the change
    when no person of the site made it, or on whose behalf ("Acme Fitness (API token
    lms-sync)", "Acme Fitness, Jane Doe")."""

    history_by_label = models.CharField(max_length=LABEL_MAX, blank=True, default="")

    class Meta:
        abstract = True


class History(HistoricalRecords):
    """HistoricalRecords with a free-length reason, and saves that only touch bookkeeping
    fields (a login's `last_login`) left out."""

    def __init__(self, *, ignore_updates_of=(), **kwargs):
        kwargs.setdefault("history_change_reason_field", models.TextField(null=True))
        super().__init__(**kwargs)
        self.ignore_updates_of = frozenset(ignore_updates_of)

    def post_save(self, instance, created, using=None, **kwargs):
        fields = kwargs.get("update_fields")
        if not created and fields and set(fields) <= self.ignore_updates_of:
            return
        super().post_save(instance, created, using=using, **kwargs)


def note(instance, *, by=None, why: str = "", label: str = ""):
    """Name who makes the next change of `instance` and why; its historical row records both
    (and `label`, on histories with `OnBehalf`: who sent it from outside the site).

    Outside a request (the worker, a command) `by` is the only way to name the person."""
    if label:
        instance._history_by_label = label[:LABEL_MAX]
    if by is not None and getattr(by, "pk", None):
        instance._history_user = by
    if why:
        instance._change_reason = why
    return instance


@receiver(pre_create_historical_record)
def _record_label(sender, instance, history_instance, **kwargs):
    """The label names one change only: the next one is made by whoever makes it."""
    label = instance.__dict__.pop("_history_by_label", "")
    if hasattr(history_instance, "history_by_label"):
        history_instance.history_by_label = label
