"""Template filters for kernel results: a fraction as a percentage with three significant figures."""

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.4567 -> "45.7%"; 0.0031 -> "0.31%"; "" for None."""
    if value is None:
        return ""
    return f"{100 * float(value):.3g}%"
