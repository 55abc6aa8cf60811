"""Rule sets: each certifier's rules as versions with categories, activities and pro-rating
bands; per-certifier claims on ledger entries.

The old rule fields (Certifier.credits_required …, KindRule) stay until 0007 has converted
them; 0008 removes them.
"""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

KINDS = [
    ("approved_course", "Approved course"),
    ("conference", "Conference"),
    ("live_event", "Other course or live event"),
    ("cpr_aed", "CPR/AED renewal"),
    ("first_aid", "First Aid / AED renewal"),
    ("college", "College course"),
    ("extra_certification", "Extra certification"),
    ("broadening", "Certification from another NCCA-accredited certifier"),
    ("presenting", "Presenting"),
    ("publishing", "Publishing"),
    ("mentoring", "Mentoring / community outreach"),
    ("volunteering", "Volunteering (committee work)"),
    ("quiz", "Journal or video quiz"),
    ("petition", "Approved petition"),
]
GRADES = [
    (g, g) for g in ("A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F")
]
NONNEG = [django.core.validators.MinValueValidator(0)]


def credit(help_text=None, **kwargs):
    if help_text is not None:
        kwargs["help_text"] = help_text
    return models.DecimalField(decimal_places=1, max_digits=6, **kwargs)


def optional_credit(help_text):
    return credit(help_text, blank=True, null=True, validators=NONNEG)


def sourced():
    return [
        ("source", models.TextField(blank=True, help_text="The published page the numbers come from.")),
        (
            "unverified",
            models.TextField(
                blank=True,
                help_text="What is not confirmed by the certifier (shipped as an editable default).",
            ),
        ),
    ]


def pk():
    return ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"))


class Migration(migrations.Migration):
    dependencies = [("tracker", "0005_ace_cpr_aed_cap")]

    operations = [
        # --- Certifier: renamed fields (the check constraint names the old column) ----------
        migrations.RemoveConstraint(model_name="certifier", name="certifier_fixed_cycle_has_start"),
        migrations.RenameField(model_name="certifier", old_name="credit_unit", new_name="unit_singular"),
        migrations.AlterField(
            model_name="certifier",
            name="unit_singular",
            field=models.CharField(default="CEC", help_text="CEC, CEU, hour …", max_length=20),
        ),
        migrations.RenameField(model_name="certifier", old_name="cycle_anchor", new_name="cycle_kind"),
        # 'earned' rows become 'anchored' in 0007.
        migrations.AlterField(
            model_name="certifier",
            name="cycle_kind",
            field=models.CharField(
                choices=[
                    ("anchored", "Each person's own cycle, from the date earned"),
                    ("fixed", "Fixed calendar periods, the same for everyone"),
                ],
                default="anchored",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="certifier",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("cycle_kind", "fixed"), _negated=True), ("fixed_cycle_start__isnull", False), _connector="OR"),
                name="certifier_fixed_cycle_has_start",
            ),
        ),
        # --- Certifier: new fields ------------------------------------------------------------
        migrations.AddField(
            model_name="certifier",
            name="unit_plural",
            field=models.CharField(default="CECs", help_text="CECs, CEUs, hours …", max_length=20),
        ),
        migrations.AddField(
            model_name="certifier",
            name="cycle_end",
            field=models.CharField(
                choices=[
                    ("end_of_month", "Last day of the month, N months on"),
                    ("same_day", "The same date, N months on"),
                    ("end_of_year", "December 31 of the year it falls due"),
                ],
                default="end_of_month",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="certifier",
            name="course_number_pattern",
            field=models.CharField(
                blank=True,
                help_text="A regular expression an approval number must match whole (after spaces are removed and letters capitalised), e.g. (CEP|CP|CA|CS|CL)\\d{5,6}.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="certifier",
            name="course_number_example",
            field=models.CharField(blank=True, max_length=30),
        ),
        migrations.AddField(
            model_name="certifier",
            name="assigns_catalog_numbers",
            field=models.BooleanField(
                default=False,
                help_text="The course numbers this portal's reviewers assign are this certifier's.",
            ),
        ),
        migrations.AddField(
            model_name="certifier",
            name="source",
            field=models.TextField(blank=True, help_text="The published page the numbers come from."),
        ),
        migrations.AddField(
            model_name="certifier",
            name="unverified",
            field=models.TextField(
                blank=True,
                help_text="What is not confirmed by the certifier (shipped as an editable default).",
            ),
        ),
        migrations.AlterField(
            model_name="certifier",
            name="code",
            field=models.SlugField(help_text="Short name, e.g. ace.", max_length=20, unique=True),
        ),
        migrations.AlterField(
            model_name="certifier",
            name="contact_hours_per_unit",
            field=models.DecimalField(
                decimal_places=2,
                help_text="ACE: 10 (0.1 CEC = 1 contact hour); AFAA: 1.",
                max_digits=6,
            ),
        ),
        migrations.AlterField(
            model_name="certifier",
            name="fixed_cycle_start",
            field=models.DateField(
                blank=True, help_text="Fixed periods: the first day of any one period.", null=True
            ),
        ),
        migrations.AddConstraint(
            model_name="certifier",
            constraint=models.UniqueConstraint(
                condition=models.Q(("assigns_catalog_numbers", True)),
                fields=("assigns_catalog_numbers",),
                name="certifier_one_catalog_numbering",
            ),
        ),
        # --- Cycles and ledger ----------------------------------------------------------------
        migrations.AddField(
            model_name="cycle",
            name="renewed_outside",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="cycle",
            name="frozen_result",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="creditentry",
            name="contact_hours",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True),
        ),
        migrations.AlterField(
            model_name="creditentry",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=30),
        ),
        # --- Rule sets ------------------------------------------------------------------------
        migrations.CreateModel(
            name="RuleSet",
            fields=[
                pk(),
                *sourced(),
                ("effective_from", models.DateField(help_text="Applies to cycles starting on or after this day.")),
                ("credits_required", credit()),
                ("grace_months", models.PositiveSmallIntegerField(default=0)),
                (
                    "cpr_window",
                    models.CharField(
                        choices=[
                            ("none", "Not required"),
                            ("deadline", "Current on the deadline (or on the day of renewal)"),
                            ("submission", "Valid N days past the day of renewal"),
                        ],
                        default="deadline",
                        max_length=12,
                    ),
                ),
                (
                    "cpr_days_after",
                    models.PositiveSmallIntegerField(
                        default=0, help_text="With “valid N days past the day of renewal”: N (ISSA: 30)."
                    ),
                ),
                (
                    "min_categories",
                    models.PositiveSmallIntegerField(
                        default=0, help_text="Credit must come from at least this many categories (NSCA: 2)."
                    ),
                ),
                (
                    "extra_certification_meets_requirement",
                    models.BooleanField(
                        default=False,
                        help_text="Another certification of this certifier earned in the cycle meets the whole requirement (ACE).",
                    ),
                ),
                (
                    "certifier",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="rule_sets", to="tracker.certifier"),
                ),
            ],
            options={
                "ordering": ["certifier", "effective_from"],
                "constraints": [
                    models.UniqueConstraint(fields=("certifier", "effective_from"), name="ruleset_one_per_date"),
                    models.CheckConstraint(condition=models.Q(("credits_required__gte", 0)), name="ruleset_requirement_nonneg"),
                ],
            },
        ),
        migrations.CreateModel(
            name="Category",
            fields=[
                pk(),
                *sourced(),
                ("code", models.CharField(help_text="Short and stable across versions: A, B, …", max_length=20)),
                ("name", models.CharField(max_length=200)),
                ("cycle_cap", optional_credit("At most this much per cycle.")),
                ("year_cap", optional_credit("At most this much per calendar year.")),
                (
                    "min_share",
                    optional_credit("At least this much of the requirement must come from here (NASM CPR/AED 0.1)."),
                ),
                (
                    "counts_as_distinct",
                    models.BooleanField(default=True, help_text="Counts toward the minimum number of categories."),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "rule_set",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="categories", to="tracker.ruleset"),
                ),
            ],
            options={
                "verbose_name_plural": "categories",
                "ordering": ["rule_set", "position", "code"],
                "constraints": [models.UniqueConstraint(fields=("rule_set", "code"), name="category_unique")],
            },
        ),
        migrations.CreateModel(
            name="ActivityRule",
            fields=[
                pk(),
                *sourced(),
                ("kind", models.CharField(choices=KINDS, max_length=30)),
                ("value", optional_credit("Fixed credit for one activity (e.g. 0.5).")),
                ("per_unit", optional_credit("Credit per college credit hour, or per year of a CPR/AED card.")),
                ("entry_cap", optional_credit("At most this much from one activity.")),
                ("prep_course_cap", optional_credit("College: at most this for a certification-prep course.")),
                (
                    "min_grade",
                    models.CharField(blank=True, choices=GRADES, help_text="College: the lowest grade that counts.", max_length=2),
                ),
                (
                    "needs_approval",
                    models.BooleanField(
                        default=True,
                        help_text="Courses: only with this certifier's approval (off: any catalog course counts by its contact hours).",
                    ),
                ),
                (
                    "category",
                    models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="activities", to="tracker.category"),
                ),
                (
                    "rule_set",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="activities", to="tracker.ruleset"),
                ),
            ],
            options={
                "ordering": ["rule_set", "kind"],
                "constraints": [models.UniqueConstraint(fields=("rule_set", "kind"), name="activityrule_unique")],
            },
        ),
        migrations.CreateModel(
            name="ProrationBand",
            fields=[
                pk(),
                ("from_month", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("to_month", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("credits_required", credit(validators=NONNEG)),
                (
                    "category_caps",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        help_text='Each category\'s maximum for these people, e.g. {"A": "5.5", "B": "4.0"}.',
                    ),
                ),
                (
                    "rule_set",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="bands", to="tracker.ruleset"),
                ),
            ],
            options={"ordering": ["rule_set", "from_month"]},
        ),
        migrations.CreateModel(
            name="EntryCredit",
            fields=[
                pk(),
                ("category", models.CharField(max_length=20)),
                ("credit", credit()),
                (
                    "certifier",
                    models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="tracker.certifier"),
                ),
                (
                    "entry",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="claims", to="tracker.creditentry"),
                ),
            ],
            options={
                "ordering": ["entry", "certifier"],
                "constraints": [
                    models.UniqueConstraint(fields=("entry", "certifier"), name="entrycredit_unique"),
                    models.CheckConstraint(condition=models.Q(("credit__gt", 0)), name="entrycredit_positive"),
                ],
            },
        ),
    ]
