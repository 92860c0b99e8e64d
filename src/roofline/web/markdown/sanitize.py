"""The last gate before HTML reaches a page: nh3 (ammonia) with an allowlist of what our Markdown produces.

Raw HTML in Markdown is never passed through (markdown-it's js-default preset escapes it); this allowlist is the
second line: anything a renderer bug or plugin lets through that is not listed here is removed.
"""

import nh3

TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "img", "input", "li", "mark", "ol", "p", "pre", "s", "section", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "*": {"class"},
    "a": {"href", "title", "rel", "id"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "img": {"src", "alt", "title"},
    "input": {"checked", "disabled"},  # and type, by value below
    "li": {"id"},
    "pre": {"data-lang"},
    "td": {"style"}, "th": {"style"},
    "sup": {"id"},
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}
# Only what our own renderers emit as classes survives: math, highlighting, footnotes, task lists, embeds.
ALLOWED_STYLE_PROPERTIES = {"text-align"}


def sanitize_html(html: str) -> str:
    """`html` with every tag, attribute, URL scheme and style property outside the allowlist removed."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,  # rel is set by the renderer: nofollow ugc noopener on links to other sites
        filter_style_properties=ALLOWED_STYLE_PROPERTIES,
        tag_attribute_values={"input": {"type": {"checkbox"}}},  # only task-list checkboxes
        strip_comments=True,
    )
