"""Template filters for numbers with units: {{ x|si:"B" }}, {{ x|binary }} (GiB), {{ t|duration }},
{{ n|exact_count }}."""

from django import template

from roofline import units

register = template.Library()


@register.filter
def si(value, unit: str = "") -> str:
    return "" if value is None else units.si(float(value), unit)


@register.filter
def duration(value) -> str:
    return "" if value is None else units.seconds(float(value))


@register.filter
def exact_count(value) -> str:
    return "" if value is None else units.count(int(value))


@register.filter
def binary(value, unit: str = "B") -> str:
    return "" if value is None else units.binary(float(value), unit)
