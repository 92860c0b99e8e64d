"""Markdown for everything members write (articles, discussions, chat): one renderer, one sanitiser.

from roofline.web.markdown import render_markdown
rendered = render_markdown(text)      # .html (sanitised), .toc, .has_math, .errors
"""

from roofline.web.markdown.render import Rendered, TocEntry, render_markdown, renderer_version, word_count

__all__ = ["Rendered", "TocEntry", "render_markdown", "renderer_version", "word_count"]
