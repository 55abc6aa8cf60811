"""An admin describes a certifier's rules through the admin pages, and the rules package
evaluates them as described. Impossible rules are refused on the page, and nothing is saved."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.tracker.factories import CertificationFactory, ProgramFactory, seeded_certifier
from tracker import rulebook, rules
from tracker.models import (
    ActivityRule,
    Category,
    Certifier,
    CreditEntry,
    Cycle,
    EntryCredit,
    ProrationBand,
    RuleSet,
)

pytestmark = pytest.mark.django_db

D = Decimal
day = datetime.date


@pytest.fixture
def admin_client(client, site_admin):
    client.force_login(site_admin)
    return client


# --- Building the POSTs the admin pages send --------------------------------------------------


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{name}": value for name, value in row.items()})
    return data


def _as_posted(value):
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, datetime.date):
        return value.strftime("%m/%d/%Y")
    if isinstance(value, dict):
        return json.dumps(value)
    return None if value is None else str(value)


def _form_values(form) -> dict:
    out = {}
    for name in form.fields:
        value = _as_posted(form[name].value())
        if value is not None:
            out[form.add_prefix(name)] = value
    return out


def page_data(response) -> dict:
    """What a change page would post back unchanged: its form and every inline's rows."""
    data = _form_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_values(formset.management_form))
        for form in formset.initial_forms:
            data.update(_form_values(form))
    return data


def add_rows(data: dict, prefix: str, rows: list[dict]) -> dict:
    """Append new rows to an inline of `page_data`."""
    start = int(data[f"{prefix}-TOTAL_FORMS"])
    for i, row in enumerate(rows, start=start):
        data.update({f"{prefix}-{i}-{name}": value for name, value in row.items()})
    data[f"{prefix}-TOTAL_FORMS"] = str(start + len(rows))
    return data


def errors_of(response) -> str:
    return response.content.decode()


# --- A new certifier, described through the admin ---------------------------------------------

CERTIFIER = {
    "name": "Points Board",
    "code": "points",
    "source": "The board's renewal handbook, 2024.",
    "unverified": "",
    "unit_singular": "point",
    "unit_plural": "points",
    "contact_hours_per_unit": "1",
    "cycle_kind": "fixed",
    "cycle_months": "36",
    "cycle_end": "same_day",
    "fixed_cycle_start": "01/01/2024",
    "course_number_pattern": r"PB\d{4}",
    "course_number_example": "PB1234",
    "at_risk_days": "90",
    "audit_proof_days": "30",
}

CATEGORIES = [
    {"position": "0", "code": "A", "name": "Live events", "cycle_cap": "4.0",
     "counts_as_distinct": "on"},
    {"position": "1", "code": "B", "name": "Home study", "cycle_cap": "3.0",
     "counts_as_distinct": "on"},
]  # fmt: skip

BANDS = [
    {"from_month": "", "to_month": "0", "credits_required": "6.0",
     "category_caps": '{"A": "4.0", "B": "3.0"}'},
    {"from_month": "0", "to_month": "12", "credits_required": "4.0",
     "category_caps": '{"A": "3.0", "B": "2.0"}'},
    {"from_month": "12", "to_month": "36", "credits_required": "2.0",
     "category_caps": '{"A": "1.5", "B": "1.0"}'},
]  # fmt: skip


def certifier_post(**changes) -> dict:
    return {
        **CERTIFIER,
        **changes,
        **formset("programs", [{"name": "Points Trainer", "abbreviation": "PT"}]),
    }


def rule_set_post(certifier: Certifier, *, categories=CATEGORIES, bands=BANDS, **changes):
    return {
        "certifier": str(certifier.pk),
        "effective_from": "01/01/2024",
        "credits_required": "6.0",
        "grace_months": "0",
        "cpr_window": "submission",
        "cpr_days_after": "30",
        "min_categories": "2",
        "source": "The board's renewal handbook, 2024.",
        "unverified": "",
        **changes,
        **formset("categories", categories),
        **formset("activities", []),
        **formset("bands", bands),
    }


def describe_points_board(admin_client) -> Certifier:
    response = admin_client.post(reverse("admin:tracker_certifier_add"), certifier_post())
    assert response.status_code == 302, errors_of(response)
    certifier = Certifier.objects.get(code="points")

    url = reverse("admin:tracker_ruleset_add")
    response = admin_client.post(url, rule_set_post(certifier))
    assert response.status_code == 302, errors_of(response)
    rule_set = certifier.rule_sets.get()

    # The categories are saved: now the activities that count in them.
    change = reverse("admin:tracker_ruleset_change", args=[rule_set.pk])
    data = page_data(admin_client.get(change))
    a, b = rule_set.categories.get(code="A"), rule_set.categories.get(code="B")
    add_rows(
        data,
        "activities",
        [
            {"kind": "live_event", "category": str(a.pk), "entry_cap": "2.0",
             "needs_approval": "on"},
            {"kind": "approved_course", "category": str(a.pk)},
            {"kind": "quiz", "category": str(b.pk), "value": "0.5", "needs_approval": "on"},
        ],
    )  # fmt: skip
    response = admin_client.post(change, data)
    assert response.status_code == 302, errors_of(response)
    return certifier


def test_an_admin_describes_a_new_certifier_and_the_rules_evaluate_it_as_described(
    admin_client,
):
    row = describe_points_board(admin_client)
    certifier = rulebook.certifier_data(Certifier.objects.get(pk=row.pk))

    assert certifier.code == "POINTS"
    assert certifier.unit == rules.Unit("point", "points", D("1"))
    assert (certifier.cycle_kind, certifier.cycle_months) == (rules.CycleKind.FIXED, 36)
    assert certifier.fixed_start == day(2024, 1, 1)
    assert rules.problems(certifier) == []
    (rule_set,) = certifier.rule_sets
    assert (rule_set.cpr_window, rule_set.cpr_days_after) == (rules.CprWindow.SUBMISSION, 30)
    assert rule_set.min_categories == 2
    assert [(c.code, c.cycle_cap) for c in rule_set.categories] == [
        ("A", D("4.0")),
        ("B", D("3.0")),
    ]
    assert rule_set.activity("quiz") == rules.ActivityRule("quiz", "B", value=D("0.5"))
    assert rule_set.activity("approved_course").needs_approval is False

    # Pro-rating by the certification date, in the 2024–2026 period.
    def required(earned_on):
        first = rules.first_cycle(certifier, earned_on)
        cycle = (
            first
            if first.starts_on >= certifier.fixed_start
            else rules.next_cycle(certifier, first)
        )
        return rules.requirement(certifier, earned_on, cycle)

    assert required(day(2023, 5, 1)) == (D("6.0"), {"A": D("4.0"), "B": D("3.0")})
    assert required(day(2024, 3, 15)) == (D("4.0"), {"A": D("3.0"), "B": D("2.0")})
    assert required(day(2025, 6, 1)) == (D("2.0"), {"A": D("1.5"), "B": D("1.0")})
    assert rules.first_cycle(certifier, day(2024, 3, 15)).ends_on == day(2026, 12, 31)


def _evaluate(certifier, earned_on, claims, card_expires_on, today):
    cycle = rules.first_cycle(certifier, earned_on)
    certification = rules.CertificationData(
        id=1,
        certifier_id=certifier.id,
        program_id=1,
        name="PT",
        earned_on=earned_on,
        cycles=(cycle,),
    )
    entries = [
        rules.EntryData(
            id=i,
            kind=kind,
            completion_date=day(2025, 1, i),
            claims=(rules.Claim(certifier.id, credit, category),),
        )
        for i, (kind, category, credit) in enumerate(claims, start=1)
    ]
    card = rules.CprCardData(1, day(2024, 1, 1), card_expires_on)
    (result,) = rules.evaluate(
        certifications=[certification],
        entries=entries,
        cpr_cards=[card],
        certifiers={certifier.id: certifier},
        today=today,
    )
    return result


def test_the_described_caps_minimum_of_categories_and_cpr_window_hold(admin_client):
    certifier = rulebook.certifier_data(describe_points_board(admin_client))
    today = day(2026, 6, 1)
    earned = day(2024, 3, 15)  # the row for 2024: 4.0, A at most 3.0, B at most 2.0

    only_a = _evaluate(
        certifier, earned, [("live_event", "A", D("2.0")), ("live_event", "A", D("2.0"))],
        card_expires_on=day(2027, 1, 1), today=today,
    )  # fmt: skip
    assert only_a.required == D("4.0")
    assert only_a.total == D("3.0")  # A capped at 3.0
    assert not only_a.met

    both = _evaluate(
        certifier,
        earned,
        [("live_event", "A", D("2.0")), ("live_event", "A", D("2.0")), ("quiz", "B", D("1.0"))],
        card_expires_on=day(2027, 1, 1),
        today=today,
    )
    assert (both.total, both.met, both.cpr_ok) == (D("4.0"), True, True)
    assert both.category_totals == {"A": D("3.0"), "B": D("1.0")}

    # One live event counts at most 2.0.
    one_long_event = _evaluate(
        certifier,
        earned,
        [("live_event", "A", D("3.0")), ("quiz", "B", D("1.0"))],
        card_expires_on=day(2027, 1, 1),
        today=today,
    )
    assert one_long_event.category_totals == {"A": D("2.0"), "B": D("1.0")}
    assert not one_long_event.met

    # The CPR/AED card must run 30 days past the day of renewal.
    short_card = _evaluate(
        certifier,
        earned,
        [("live_event", "A", D("1.5")), ("live_event", "A", D("1.5")), ("quiz", "B", D("1.0"))],
        card_expires_on=today + datetime.timedelta(days=20),
        today=today,
    )
    assert short_card.met and not short_card.cpr_ok
    assert not short_card.can_renew


def test_an_activity_of_the_described_rules_earns_its_claim(admin_client):
    certifier = rulebook.certifier_data(describe_points_board(admin_client))
    quiz = rules.Activity(kind="quiz", completion_date=day(2025, 2, 1), certifier_id=certifier.id)

    claims, refusals = rules.claims_for(quiz, {certifier.id: certifier})

    assert refusals == ()
    assert claims == (rules.Claim(certifier.id, D("0.5"), "B"),)


def test_the_certifier_page_lists_unverified_values_and_links_its_rule_sets(admin_client):
    ace = seeded_certifier("ace")

    response = admin_client.get(reverse("admin:tracker_certifier_change", args=[ace.pk]))

    page = response.content.decode()
    assert "unverified defaults" in page
    assert "End of month expiry (third-party source only)." in page
    assert "Sources conflict (older FAQ" in page  # the CPR/AED activity's note
    rule_set = ace.rule_sets.get()
    assert reverse("admin:tracker_ruleset_change", args=[rule_set.pk]) in page


def test_the_certifier_list_shows_unverified_defaults(admin_client):
    response = admin_client.get(reverse("admin:tracker_certifier_changelist"))

    assert response.status_code == 200
    assert "Unverified defaults" in response.content.decode()


def test_an_activity_can_only_count_in_a_category_of_its_own_rule_set(admin_client):
    certifier = describe_points_board(admin_client)
    rule_set = certifier.rule_sets.get()
    change = reverse("admin:tracker_ruleset_change", args=[rule_set.pk])

    response = admin_client.get(change)

    field = response.context["inline_admin_formsets"][1].formset.forms[0].fields["category"]
    assert set(field.queryset) == set(rule_set.categories.all())
    nasm_category = seeded_certifier("nasm").rule_sets.get().categories.first()
    data = add_rows(
        page_data(response), "activities", [{"kind": "college", "category": nasm_category.pk}]
    )
    response = admin_client.post(change, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not rule_set.activities.filter(kind="college").exists()


# --- Refused: the message on the page, nothing saved ------------------------------------------


def snapshot():
    return (
        Certifier.objects.count(),
        RuleSet.objects.count(),
        Category.objects.count(),
        ActivityRule.objects.count(),
        ProrationBand.objects.count(),
    )


def refused(admin_client, url, data, message):
    before = snapshot()
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode(), response.content.decode()
    assert snapshot() == before


@pytest.fixture
def board(admin_client):
    response = admin_client.post(reverse("admin:tracker_certifier_add"), certifier_post())
    assert response.status_code == 302
    return Certifier.objects.get(code="points")


def test_a_negative_cap_is_refused(admin_client, board):
    categories = [CATEGORIES[0] | {"cycle_cap": "-1.0"}, CATEGORIES[1]]
    refused(
        admin_client,
        reverse("admin:tracker_ruleset_add"),
        rule_set_post(board, categories=categories),
        "Ensure this value is greater than or equal to 0.",
    )


def test_a_negative_band_cap_is_refused(admin_client, board):
    bands = [BANDS[0] | {"category_caps": '{"A": "-4.0"}'}, *BANDS[1:]]
    refused(
        admin_client,
        reverse("admin:tracker_ruleset_add"),
        rule_set_post(board, bands=bands),
        "The maximum for category A must be zero or more.",
    )


def test_a_band_capping_an_unknown_category_is_refused(admin_client, board):
    bands = [BANDS[0] | {"category_caps": '{"Z": "4.0"}'}, *BANDS[1:]]
    refused(
        admin_client,
        reverse("admin:tracker_ruleset_add"),
        rule_set_post(board, bands=bands),
        "caps category &#x27;Z&#x27;, which is not defined.",
    )


def test_a_pro_rating_table_with_a_gap_is_refused(admin_client, board):
    bands = [BANDS[0], BANDS[1] | {"to_month": "10"}, BANDS[2]]
    refused(
        admin_client,
        reverse("admin:tracker_ruleset_add"),
        rule_set_post(board, bands=bands),
        "Months 10–12 of the period are in no row.",
    )


def test_overlapping_pro_rating_rows_are_refused(admin_client, board):
    bands = [BANDS[0], BANDS[1] | {"to_month": "18"}, BANDS[2]]
    refused(
        admin_client,
        reverse("admin:tracker_ruleset_add"),
        rule_set_post(board, bands=bands),
        "Months 12–18 of the period are in two rows.",
    )


def test_a_minimum_share_above_the_requirement_is_refused(admin_client, board):
    categories = [CATEGORIES[0] | {"min_share": "7.0", "cycle_cap": ""}, CATEGORIES[1]]
    refused(
        admin_client,
        reverse("admin:tracker_ruleset_add"),
        rule_set_post(board, categories=categories, bands=[]),
        "The categories&#x27; minimums (7.0) add up to more than the requirement (6.0).",
    )


def test_a_min_share_change_on_a_stored_rule_set_is_refused(admin_client):
    nasm = seeded_certifier("nasm")
    rule_set = nasm.rule_sets.get()
    change = reverse("admin:tracker_ruleset_change", args=[rule_set.pk])
    data = page_data(admin_client.get(change))
    (index,) = [
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("categories-") and key.endswith("-code") and value == "cpr_aed"
    ]
    data[f"categories-{index}-min_share"] = "2.5"
    data[f"categories-{index}-cycle_cap"] = ""

    refused(admin_client, change, data, "add up to more than the requirement (2.0)")
    assert rule_set.categories.get(code="cpr_aed").min_share == D("0.1")


def test_deleting_a_category_an_activity_counts_in_is_refused(admin_client):
    nasm = seeded_certifier("nasm")
    rule_set = nasm.rule_sets.get()
    change = reverse("admin:tracker_ruleset_change", args=[rule_set.pk])
    data = page_data(admin_client.get(change))
    (index,) = [
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("categories-") and key.endswith("-code") and value == "petition"
    ]
    data[f"categories-{index}-DELETE"] = "on"

    refused(
        admin_client, change, data, "would require deleting the following protected related objects"
    )


def test_an_effective_date_before_a_renewed_cycles_start_is_refused(admin_client, board):
    program = ProgramFactory(certifier=board)
    certification = CertificationFactory(program=program, earned_on=day(2023, 3, 1))
    Cycle.objects.filter(certification=certification).update(renewed_on=day(2023, 11, 1))
    refused(
        admin_client,
        reverse("admin:tracker_ruleset_add"),
        rule_set_post(board, effective_from="01/01/2023"),
        "would apply to cycles already renewed (03/01/2023–12/31/2023)",
    )


def test_a_course_number_pattern_that_does_not_compile_is_refused(admin_client):
    refused(
        admin_client,
        reverse("admin:tracker_certifier_add"),
        certifier_post(course_number_pattern="(PB\\d{4}"),
        "This pattern is not a valid regular expression",
    )


def test_a_fixed_cycle_without_a_start_is_refused(admin_client):
    refused(
        admin_client,
        reverse("admin:tracker_certifier_add"),
        certifier_post(fixed_cycle_start=""),
        "Fixed cycles need the first day of one period",
    )


def test_a_certifier_change_that_breaks_its_rules_is_refused(admin_client):
    nsca = seeded_certifier("nsca")
    change = reverse("admin:tracker_certifier_change", args=[nsca.pk])
    data = page_data(admin_client.get(change))
    data["cycle_kind"] = "anchored"

    refused(admin_client, change, data, "A pro-rating table only applies to fixed cycles.")


# --- Copy as a new version ----------------------------------------------------------------------


def copy_post(rule_set, effective_from):
    return {
        "action": "copy_as_new_version",
        "_selected_action": [str(rule_set.pk)],
        "apply": "Copy",
        "effective_from": effective_from,
    }


def test_copy_as_a_new_version_clones_the_rule_set_with_its_parts(admin_client):
    nsca = seeded_certifier("nsca")
    original = nsca.rule_sets.get()
    url = reverse("admin:tracker_ruleset_changelist")

    page = admin_client.post(
        url, {"action": "copy_as_new_version", "_selected_action": [str(original.pk)]}
    )
    assert page.status_code == 200
    assert "New version applies from" in page.content.decode()

    response = admin_client.post(url, copy_post(original, "01/01/2027"))

    assert response.status_code == 302
    copied = nsca.rule_sets.get(effective_from=day(2027, 1, 1))
    assert response["Location"] == reverse("admin:tracker_ruleset_change", args=[copied.pk])
    data = rulebook.certifier_data(Certifier.objects.get(pk=nsca.pk))
    old, new = data.rule_sets
    assert new.effective_from == day(2027, 1, 1)
    assert (new.categories, new.activities, new.bands) == (
        old.categories,
        old.activities,
        old.bands,
    )
    assert set(copied.activities.values_list("category__rule_set", flat=True)) == {copied.pk}


def test_copy_as_a_new_version_refuses_a_date_before_a_renewed_cycle(admin_client):
    ace = seeded_certifier("ace")
    program = ace.programs.first()
    certification = CertificationFactory(program=program, earned_on=day(2024, 2, 10))
    Cycle.objects.filter(certification=certification).update(renewed_on=day(2025, 6, 1))
    before = RuleSet.objects.count()

    response = admin_client.post(
        reverse("admin:tracker_ruleset_changelist"),
        copy_post(ace.rule_sets.get(), "02/01/2024"),
    )

    assert response.status_code == 200
    assert "would apply to cycles already renewed" in response.content.decode()
    assert RuleSet.objects.count() == before


def test_copy_as_a_new_version_refuses_a_date_already_taken(admin_client):
    ace = seeded_certifier("ace")
    rule_set = ace.rule_sets.get()

    response = admin_client.post(
        reverse("admin:tracker_ruleset_changelist"),
        copy_post(rule_set, rule_set.effective_from.strftime("%m/%d/%Y")),
    )

    assert response.status_code == 200
    assert "already has a version of its rules from" in response.content.decode()


# --- The ledger's claims are read-only ----------------------------------------------------------


def test_a_credit_entrys_claims_show_read_only(admin_client, professional):
    ace = seeded_certifier("ace")
    entry = CreditEntry.objects.create(
        user=professional, kind="presenting", completion_date=day(2025, 1, 1),
        credit=D("0.3"), certifier=ace,
    )  # fmt: skip
    EntryCredit.objects.create(entry=entry, certifier=ace, category="presenting", credit=D("0.3"))

    response = admin_client.get(reverse("admin:tracker_creditentry_change", args=[entry.pk]))

    assert response.status_code == 200
    inline = next(
        i for i in response.context["inline_admin_formsets"] if i.formset.model is EntryCredit
    )
    assert not inline.has_add_permission
    assert not inline.has_change_permission
    assert not inline.has_delete_permission
    assert "presenting" in response.content.decode()


def test_the_add_page_for_a_version_starts_from_its_certifier_and_says_how(admin_client, board):
    response = admin_client.get(reverse("admin:tracker_ruleset_add") + f"?certifier={board.pk}")

    assert response.status_code == 200
    assert response.context["adminform"].form["certifier"].value() == str(board.pk)
    page = response.content.decode()
    assert "its activities can then be added" in page
    assert "a new category must be saved before an activity uses it" in page


def test_the_rule_set_page_lists_its_unverified_values(admin_client):
    rule_set = seeded_certifier("nsca").rule_sets.get()

    response = admin_client.get(reverse("admin:tracker_ruleset_change", args=[rule_set.pk]))

    assert response.status_code == 200
    assert "CPR/AED earns no CEU (default); 2012 per-activity values." in response.content.decode()


def test_the_only_version_of_a_certifiers_rules_cannot_be_deleted(admin_client):
    rule_set = seeded_certifier("aea").rule_sets.get()

    response = admin_client.post(
        reverse("admin:tracker_ruleset_delete", args=[rule_set.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert RuleSet.objects.filter(pk=rule_set.pk).exists()
