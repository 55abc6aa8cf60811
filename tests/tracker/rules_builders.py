"""Small builders for the rule tests: the certifiers come from the seed (what ships), the
ledgers are written by hand. Pure: no Django, no database."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import replace
from decimal import Decimal

from tracker import rules, seed

D = Decimal

ACE, NASM, AFAA, ACSM, NSCA, ISSA, AEA = 1, 2, 3, 4, 5, 6, 7
IDS = {"ace": ACE, "nasm": NASM, "afaa": AFAA, "acsm": ACSM, "nsca": NSCA, "issa": ISSA, "aea": AEA}


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def moment(text: str, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(day(text), datetime.time(hour), tzinfo=datetime.UTC)


def certifier(code: str) -> rules.Certifier:
    """A certifier as seeded (tracker/seed.py, which cites CERTIFIERS.md)."""
    return seed.certifier_data(seed.BY_CODE[code], IDS[code])


def all_certifiers() -> dict[int, rules.Certifier]:
    return {IDS[code]: certifier(code) for code in IDS}


def with_rules(base: rules.Certifier, **changes) -> rules.Certifier:
    """The certifier with every version of its rules changed."""
    return replace(base, rule_sets=tuple(replace(r, **changes) for r in base.rule_sets))


def with_category(base: rules.Certifier, code: str, **changes) -> rules.Certifier:
    def changed(rule_set):
        categories = tuple(
            replace(c, **changes) if c.code == code else c for c in rule_set.categories
        )
        return replace(rule_set, categories=categories)

    return replace(base, rule_sets=tuple(changed(r) for r in base.rule_sets))


def with_activity(base: rules.Certifier, kind: str, **changes) -> rules.Certifier:
    def changed(rule_set):
        activities = dict(rule_set.activities)
        activities[kind] = replace(activities[kind], **changes)
        return replace(rule_set, activities=activities)

    return replace(base, rule_sets=tuple(changed(r) for r in base.rule_sets))


def cycle(cycle_id, start, end, *, renewed=None, frozen=None, renewed_outside=False):
    return rules.CycleData(
        cycle_id,
        day(start),
        day(end),
        renewed_on=day(renewed) if renewed else None,
        renewed_at=moment(renewed) if renewed else None,
        frozen=frozen,
        renewed_outside=renewed_outside,
    )


def cert(cert_id, program, earned, *cycles, of=None, name="ACE CPT"):
    """A certification; without cycles, its first cycle from the rules (id cert_id * 100)."""
    of = of or certifier("ace")
    if not cycles:
        first = rules.first_cycle(of, day(earned))
        cycles = (replace(first, id=cert_id * 100),)
    return rules.CertificationData(cert_id, of.id, program, name, day(earned), tuple(cycles))


_ids = itertools.count(1)


def claim(certifier_id, credit, category):
    return rules.Claim(certifier_id, D(credit), category)


def entry(date, *claims, kind="approved_course", **extra) -> rules.EntryData:
    """A ledger entry; claims as rules.Claim or (certifier id, credit, category)."""
    made = tuple(c if isinstance(c, rules.Claim) else claim(*c) for c in claims)
    return rules.EntryData(next(_ids), kind, day(date), made, **extra)


def ace_entry(date, credit, kind="approved_course", category=None, **extra):
    """An entry worth `credit` toward ACE, in the category ACE's seed files the kind under."""
    category = category or certifier("ace").rule_sets[0].activities[kind].category
    return entry(date, (ACE, credit, category), kind=kind, **extra)


def card(issued, expires, card_id=1) -> rules.CprCardData:
    return rules.CprCardData(card_id, day(issued), day(expires))


GOOD_CARD = card("2020-01-10", "2031-12-31")


def evaluate(certs, entries, *, today, cards=(GOOD_CARD,), certifiers=None):
    return rules.evaluate(
        certifications=certs,
        entries=entries,
        cpr_cards=list(cards),
        certifiers=certifiers or all_certifiers(),
        today=day(today),
    )


def only(results, cert_id=None) -> rules.CycleResult:
    """The one current result (of one certification when given)."""
    found = [
        r for r in results if r.is_current and (cert_id is None or r.certification.id == cert_id)
    ]
    assert len(found) == 1
    return found[0]


def of_cycle(results, cycle_id) -> rules.CycleResult:
    return next(r for r in results if r.cycle.id == cycle_id)


def credits(result) -> list[tuple[str, Decimal]]:
    return [(c.entry.completion_date.isoformat(), c.credit) for c in result.counted]
