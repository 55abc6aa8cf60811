"""Every course and session gets contact hours: its CEC value in the home certifier's hours
(ACE: 0.1 CEC = 1 hour, so 0.3 CEC is 3 hours). Rows that already have hours keep them."""

from decimal import Decimal

from django.db import migrations
from django.db.models import F
from django.db.models.functions import Round

# ACE's figure, when no certifier is marked as the one whose numbers the portal assigns.
DEFAULT_HOURS_PER_UNIT = Decimal("10")


def hours_per_unit(apps):
    Certifier = apps.get_model("tracker", "Certifier")
    home = Certifier.objects.filter(assigns_catalog_numbers=True).first()
    return home.contact_hours_per_unit if home else DEFAULT_HOURS_PER_UNIT


def fill(apps, schema_editor):
    per_unit = hours_per_unit(apps)
    for name in ("Course", "Session"):
        model = apps.get_model("catalog", name)
        model.objects.filter(contact_hours__isnull=True, cec_value__isnull=False).update(
            contact_hours=Round(F("cec_value") * per_unit, 2)
        )


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0006_contact_hours_and_approvals'),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
