"""The Markdown pipeline: markdown-it-py (js-default preset: raw HTML escaped) with tables, footnotes, task
lists, math and heading anchors; Pygments for code; tool embeds; then nh3 with an allowlist.

Math is left as TeX in <span class="math inline"> and <div class="math block">; the page renders it with KaTeX
(served by the site, `trust` off so \\href and \\url never become links).
"""

import re
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from roofline.web.markdown.embeds import PREFIX, embed_names, render_embed
from roofline.web.markdown.highlight import highlight_code
from roofline.web.markdown.sanitize import sanitize_html

# Bump when the output for the same input changes; cached HTML made by another version is rendered again.
BASE_VERSION = "1"
EXTERNAL_REL = "nofollow ugc noopener"
WORD = re.compile(r"\w+")


def heading_slug(text: str) -> str:
    """A heading's anchor id: lowercase words joined by hyphens ("Why it matters?" -> "why-it-matters")."""
    words = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[\s_-]+", "-", words).strip("-") or "section"


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    text: str


@dataclass
class Rendered:
    html: str
    toc: list[TocEntry] = field(default_factory=list)
    has_math: bool = False
    errors: list[str] = field(default_factory=list)


def renderer_version() -> str:
    """This renderer's version, including which tool embeds exist (a new tool changes embedded output)."""
    return f"{BASE_VERSION}+{','.join(embed_names())}"


def _is_external(href: str) -> bool:
    parts = urlsplit(href)
    return bool(parts.scheme or parts.netloc)


def _build() -> MarkdownIt:
    md = MarkdownIt("js-default", {"highlight": highlight_code})
    md.use(footnote_plugin).use(tasklists_plugin)
    md.use(dollarmath_plugin, allow_labels=False, allow_space=False, allow_digits=False)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=heading_slug, permalink=True, permalinkSymbol="#")

    default_link_open = md.renderer.rules.get("link_open")

    def link_open(renderer, tokens, idx, options, env):
        token = tokens[idx]
        if _is_external(token.attrGet("href") or ""):
            token.attrSet("rel", EXTERNAL_REL)
        if default_link_open:
            return default_link_open(tokens, idx, options, env)
        return renderer.renderToken(tokens, idx, options, env)

    default_fence = md.renderer.rules["fence"]

    def fence(renderer, tokens, idx, options, env):
        info = tokens[idx].info.strip()
        if info.startswith(PREFIX):
            env["embeds"].append((info[len(PREFIX) :].split()[0] if info[len(PREFIX) :] else "", tokens[idx].content))
            return f'<div class="embed-slot">EMBED:{env["nonce"]}:{len(env["embeds"]) - 1}</div>\n'
        return default_fence(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    md.add_render_rule("fence", fence)
    return md


_md = _build()


def _toc(tokens) -> list[TocEntry]:
    entries = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.attrGet("id"):
            text = tokens[i + 1].content.strip()  # the heading's source: math stays as $...$
            entries.append(TocEntry(level=int(token.tag[1]), id=str(token.attrGet("id")), text=text))
    return entries


def render_markdown(text: str) -> Rendered:
    """Markdown source to sanitised HTML, its table of contents (h2-h4) and any embed errors."""
    env: dict = {"embeds": [], "nonce": secrets.token_hex(8)}
    tokens = _md.parse(text, env)
    html = sanitize_html(_md.renderer.render(tokens, _md.options, env))
    errors: list[str] = []
    embedded: list[str] = []
    for block, source in env["embeds"]:
        embed_html, error = render_embed(block, source)
        embedded.append(embed_html)
        if error:
            errors.append(f"{PREFIX}{block}: {error}")
    if embedded:
        slot = re.compile(rf'<div class="embed-slot">EMBED:{env["nonce"]}:(\d+)</div>')
        html = slot.sub(lambda m: embedded[int(m.group(1))], html)
    has_math = any(t.type.startswith("math") for t in tokens) or any(
        c.type.startswith("math") for t in tokens for c in (t.children or [])
    )
    return Rendered(html=html, toc=_toc(tokens), has_math=has_math, errors=errors)


def word_count(text: str) -> int:
    return len(WORD.findall(text))
