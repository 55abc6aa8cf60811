"""One unit label for every page: `{{ value|units:unit }}` → "0.3 CEC", "2.0 CECs", "15.0 CEUs".

Built in (settings TEMPLATES builtins), so no template needs to load it.
"""

from django import template

from tracker import rules

register = template.Library()


@register.filter
def units(value, unit):
    """`unit` is a rules.Unit (a cycle result's) or a tracker Certifier row."""
    if value is None or value == "":
        return ""
    if not isinstance(unit, rules.Unit):
        unit = rules.Unit(unit.unit_singular, unit.unit_plural, unit.contact_hours_per_unit)
    return rules.amount(value, unit)
