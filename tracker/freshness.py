"""Keeping a person's cached evaluation fresh.

What the rules say of a person's record is cached (Django's cache: local memory by default,
Redis when configured) under a key that holds `User.records_stamp`. Every write that can
change that answer gives the stamp a new random value in the same transaction:

- the person's ledger entries, their credit per certifier, certifications, cycles and CPR/AED
  cards (saved or deleted, one by one or through a queryset's delete);
- the catalog course an entry names (its number and title label the entry), and its provider
  (whose name says who reported provider credit);
- any certifier's rules or programs: every stamp changes.

Other per-person caches key on the same stamp: the person's permissions (accounts.backends:
a change to their groups or grants touches them) and the provider credit offered to them on
My CECs (reporting.services: a roster posted with rows for them, a claim or a decline).

A write that bypasses model signals (`QuerySet.update`, `bulk_create`, raw SQL) on those
tables must call `touch` itself. The stamp is read from the database with the evaluation, so
a write on one app server is seen on the next request to any other.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from accounts.models import new_records_stamp


def touch(user_ids: Iterable[int | None]) -> None:
    """Give these people's cached evaluations up: their next read evaluates afresh."""
    ids = sorted({pk for pk in user_ids if pk is not None})
    if ids:
        get_user_model().objects.filter(pk__in=ids).update(records_stamp=new_records_stamp())


def touch_everyone() -> None:
    """After a change to the rules themselves: every evaluation is stale."""
    get_user_model().objects.update(records_stamp=new_records_stamp())


def _touch_holders(**entries) -> None:
    """The people whose ledger has entries matching `entries` (a filter)."""
    from .models import CreditEntry

    holders = CreditEntry.objects.filter(**entries).values("user_id")
    get_user_model().objects.filter(pk__in=holders).update(records_stamp=new_records_stamp())


def _owner_of(instance) -> int | None:
    """The person a claim, a cycle or any other row of a record belongs to: a query only when
    the row's parent is not loaded."""
    from .models import Certification, CreditEntry, Cycle, EntryCredit

    parents = {EntryCredit: ("entry", CreditEntry), Cycle: ("certification", Certification)}
    if type(instance) not in parents:
        return instance.user_id
    name, model = parents[type(instance)]
    loaded = instance._state.fields_cache.get(name)
    if loaded is not None:
        return loaded.user_id
    parent_id = getattr(instance, f"{name}_id")
    return model.objects.filter(pk=parent_id).values_list("user_id", flat=True).first()


def _record_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # fixtures being loaded
    touch([_owner_of(instance)])


def _rules_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    touch_everyone()


def _renamed(kwargs, created, update_fields, fields: set[str]) -> bool:
    """A saved catalog row may have changed how ledger lines name it: it is not new (no entry
    names it yet), not loaded from a fixture, and the save wrote one of `fields`."""
    if kwargs.get("raw") or created:
        return False
    return update_fields is None or bool(fields & set(update_fields))


def _course_changed(sender, instance, created=False, update_fields=None, **kwargs):
    if _renamed(kwargs, created, update_fields, {"number", "title"}):
        _touch_holders(course_id=instance.pk)


def _provider_changed(sender, instance, created=False, update_fields=None, **kwargs):
    if _renamed(kwargs, created, update_fields, {"name"}):
        _touch_holders(course__provider_id=instance.pk)


def connect() -> None:
    from catalog.models import Course, Provider

    from .models import (
        ActivityRule,
        Category,
        Certification,
        Certifier,
        CprCard,
        CreditEntry,
        Cycle,
        EntryCredit,
        Program,
        ProrationBand,
        RuleSet,
    )

    for model in (CreditEntry, EntryCredit, Certification, Cycle, CprCard):
        uid = f"tracker.freshness.{model.__name__}"
        post_save.connect(_record_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_record_changed, sender=model, dispatch_uid=uid)
    for model in (Certifier, RuleSet, Category, ActivityRule, ProrationBand, Program):
        uid = f"tracker.freshness.rules.{model.__name__}"
        post_save.connect(_rules_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_rules_changed, sender=model, dispatch_uid=uid)
    post_save.connect(_course_changed, sender=Course, dispatch_uid="tracker.freshness.Course")
    post_save.connect(_provider_changed, sender=Provider, dispatch_uid="tracker.freshness.Provider")
