"""Certifier rows → the rules package's dataclasses, in a fixed number of queries.

rulebook.certifier_data(certifier)        # one certifier (uses what is prefetched)
rulebook.certifiers_data()                # {id: rules.Certifier} for all, 5 queries
Program.objects.select_related("certifier").prefetch_related(*rulebook.prefetch("certifier__"))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.db.models import Prefetch, prefetch_related_objects

from . import rules
from .models import ActivityRule, Category, Certifier, ProrationBand, RuleSet


def prefetch(prefix: str = "") -> list:
    """The prefetch lookups `certifier_data` reads, below `prefix` (e.g. "certifier__")."""
    return [
        Prefetch(f"{prefix}rule_sets", queryset=RuleSet.objects.order_by("effective_from")),
        Prefetch(
            f"{prefix}rule_sets__categories",
            queryset=Category.objects.order_by("position", "code"),
        ),
        Prefetch(f"{prefix}rule_sets__activities", queryset=ActivityRule.objects.order_by("kind")),
        Prefetch(f"{prefix}rule_sets__bands", queryset=ProrationBand.objects.all()),
    ]


PREFETCH = prefetch()


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _category(row: Category) -> rules.Category:
    return rules.Category(
        code=row.code,
        name=row.name,
        cycle_cap=row.cycle_cap,
        year_cap=row.year_cap,
        min_share=row.min_share,
        counts_as_distinct=row.counts_as_distinct,
    )


def _activity(row: ActivityRule, codes: Mapping[int, str]) -> rules.ActivityRule:
    return rules.ActivityRule(
        kind=row.kind,
        category=codes.get(row.category_id, ""),
        value=row.value,
        per_unit=row.per_unit,
        entry_cap=row.entry_cap,
        prep_course_cap=row.prep_course_cap,
        min_grade=row.min_grade,
        needs_approval=row.needs_approval,
        home_study_category=codes.get(row.home_study_category_id, ""),
    )


def band_data(row: ProrationBand) -> rules.ProrationBand:
    return rules.ProrationBand(
        from_month=row.from_month,
        to_month=row.to_month,
        required=row.credits_required,
        category_caps={code: _decimal(value) for code, value in (row.category_caps or {}).items()},
    )


def _band_order(band: rules.ProrationBand) -> tuple:
    return (band.from_month is not None, band.from_month or 0)


def rule_set_data(
    row: RuleSet,
    categories: Iterable[Category] | None = None,
    activities: Iterable[ActivityRule] | None = None,
    bands: Iterable[ProrationBand] | None = None,
    codes: Mapping[int, str] | None = None,
) -> rules.RuleSet:
    """One rule set. The parts default to the row's own (prefetched or queried); the admin
    passes the parts of a form that is not saved yet, and the code of each category id."""
    categories = sorted(
        row.categories.all() if categories is None else categories,
        key=lambda c: (c.position, c.code),
    )
    if codes is None:
        codes = {c.pk: c.code for c in categories if c.pk is not None}
    activities = row.activities.all() if activities is None else activities
    bands = row.bands.all() if bands is None else bands
    return rules.RuleSet(
        id=row.pk,
        effective_from=row.effective_from,
        required=row.credits_required,
        grace_months=row.grace_months,
        cpr_window=rules.CprWindow(row.cpr_window),
        cpr_days_after=row.cpr_days_after,
        min_categories=row.min_categories,
        extra_certification_meets_requirement=row.extra_certification_meets_requirement,
        categories=tuple(_category(c) for c in categories),
        activities={a.kind: _activity(a, codes) for a in sorted(activities, key=lambda a: a.kind)},
        bands=tuple(sorted((band_data(b) for b in bands), key=_band_order)),
    )


def certifier_data(
    certifier: Certifier, rule_sets: Iterable[rules.RuleSet] | None = None
) -> rules.Certifier:
    """The certifier as `rules.Certifier`, its rule sets sorted by effective date.

    Reads what a `prefetch()` already loaded; otherwise loads it (4 queries). `rule_sets`
    replaces the stored versions (the admin checks a would-be set this way).
    """
    if rule_sets is None:
        prefetch_related_objects([certifier], *PREFETCH)
        rule_sets = [rule_set_data(r) for r in certifier.rule_sets.all()]
    return rules.Certifier(
        id=certifier.pk,
        code=certifier.code.upper(),
        name=certifier.name,
        unit=rules.Unit(
            certifier.unit_singular, certifier.unit_plural, certifier.contact_hours_per_unit
        ),
        cycle_kind=rules.CycleKind(certifier.cycle_kind),
        cycle_months=certifier.cycle_months,
        cycle_end=rules.CycleEnd(certifier.cycle_end),
        fixed_start=certifier.fixed_cycle_start,
        at_risk_days=certifier.at_risk_days,
        course_number_pattern=certifier.course_number_pattern,
        rule_sets=tuple(sorted(rule_sets, key=lambda r: r.effective_from)),
    )


_held: ContextVar[dict[int, rules.Certifier] | None] = ContextVar("rulebook_held", default=None)


@contextmanager
def held():
    """Within the block, `certifiers_data` reads the rules once and reuses them: for work that
    posts many entries in a row (a provider's roster), when no rule changes meanwhile."""
    token = _held.set(None)
    _held.set(certifiers_data())
    try:
        yield
    finally:
        _held.reset(token)


def certifiers_data(ids: Iterable[int] | None = None) -> dict[int, rules.Certifier]:
    """Every certifier (or those `ids`) as `rules.Certifier`, by id: 5 queries however many."""
    kept = _held.get()
    if kept is not None:
        return dict(kept) if ids is None else {i: kept[i] for i in ids if i in kept}
    certifiers = Certifier.objects.prefetch_related(*PREFETCH)
    if ids is not None:
        certifiers = certifiers.filter(pk__in=list(ids))
    return {c.pk: certifier_data(c) for c in certifiers}
