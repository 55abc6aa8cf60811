"""ACE gives 0.2 for a one-year CPR/AED card and 0.4 for a two-year card, never more."""

from decimal import Decimal

from django.db import migrations


def cap_cpr_aed(apps, schema_editor):
    KindRule = apps.get_model("tracker", "KindRule")
    # Only where no cap was set: an admin's own value stays.
    KindRule.objects.filter(certifier__code="ace", kind="cpr_aed", entry_cap__isnull=True).update(
        entry_cap=Decimal("0.4")
    )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0004_cycle_renewed_at")]

    operations = [migrations.RunPython(cap_cpr_aed, migrations.RunPython.noop)]
