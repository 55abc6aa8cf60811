"""The old rule fields and KindRule go: 0007 moved them into rule sets.

Reversible: going back re-creates the columns and fills them from each certifier's rule sets.
"""

from decimal import Decimal

from django.db import migrations, models


def refill_old_rules(apps, schema_editor):
    """Reverse only: the old columns and KindRule rows, from the rule sets.

    Filters by ids: going backwards, the state's models are re-rendered between operations and
    a model instance of one rendering is refused by a query of another."""
    Certifier = apps.get_model("tracker", "Certifier")
    Cycle = apps.get_model("tracker", "Cycle")
    KindRule = apps.get_model("tracker", "KindRule")
    RuleSet = apps.get_model("tracker", "RuleSet")
    ActivityRule = apps.get_model("tracker", "ActivityRule")
    ProrationBand = apps.get_model("tracker", "ProrationBand")
    latest = {}
    for rule_set in RuleSet.objects.order_by("effective_from"):
        latest[rule_set.certifier_id] = rule_set
    for certifier in Certifier.objects.all():
        rule_set = latest.get(certifier.pk)
        if rule_set is None:
            certifier.credits_required = Decimal("0.1")
            certifier.save(update_fields=["credits_required"])
            continue
        certifier.credits_required = max(rule_set.credits_required, Decimal("0.1"))
        certifier.cpr_required = rule_set.cpr_window != "none"
        certifier.grace_months = rule_set.grace_months
        certifier.prorate_first_cycle = ProrationBand.objects.filter(rule_set_id=rule_set.pk).exists()
        certifier.save()
        for rule in ActivityRule.objects.filter(rule_set_id=rule_set.pk).select_related("category"):
            KindRule.objects.update_or_create(
                certifier_id=certifier.pk,
                kind=rule.kind,
                defaults={
                    "value": rule.value,
                    "per_unit": rule.per_unit,
                    "entry_cap": rule.entry_cap,
                    "prep_course_cap": rule.prep_course_cap,
                    "cycle_cap": rule.category.cycle_cap,
                    "meets_requirement": rule.kind == "extra_certification"
                    and rule_set.extra_certification_meets_requirement,
                    "min_grade": rule.min_grade,
                },
            )
    required = {c.pk: c.credits_required for c in Certifier.objects.all()}
    for cycle in Cycle.objects.select_related("certification__program"):
        cycle.credits_required = required[cycle.certification.program.certifier_id]
        cycle.save(update_fields=["credits_required"])


class Migration(migrations.Migration):
    dependencies = [("tracker", "0007_convert_rules")]

    operations = [
        migrations.RemoveConstraint(model_name="certifier", name="certifier_requirement_positive"),
        migrations.RemoveConstraint(model_name="cycle", name="cycle_required_nonneg"),
        # Nullable first, so that going back can add the columns before they are refilled.
        migrations.AlterField(
            model_name="certifier",
            name="credits_required",
            field=models.DecimalField(decimal_places=1, max_digits=6, null=True),
        ),
        migrations.AlterField(
            model_name="cycle",
            name="credits_required",
            field=models.DecimalField(decimal_places=1, max_digits=6, null=True),
        ),
        migrations.RunPython(migrations.RunPython.noop, refill_old_rules),
        migrations.RemoveField(model_name="certifier", name="credits_required"),
        migrations.RemoveField(model_name="certifier", name="cpr_required"),
        migrations.RemoveField(model_name="certifier", name="grace_months"),
        migrations.RemoveField(model_name="certifier", name="prorate_first_cycle"),
        migrations.RemoveField(model_name="cycle", name="credits_required"),
        migrations.DeleteModel(name="KindRule"),
    ]
