from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    """mapping[key] in a template: {{ identities|get_item:post.author_id }}."""
    return mapping.get(key)
