"""Template filters for kernel results: a fraction as a percentage with three significant figures; a result's
launch-bound note."""

from django import template

from roofline.kernels.export import launch_note as _launch_note

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.4567 -> "45.7%"; 0.0031 -> "0.31%"; "" for None."""
    if value is None:
        return ""
    return f"{100 * float(value):.3g}%"


@register.filter
def launch_note(row) -> str:
    """The launch-bound note on a result (roofline.kernels.export.launch_note); "" for any other result."""
    return _launch_note(row) or ""
