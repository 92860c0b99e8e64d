"""The shared renderer: what members' Markdown becomes, including tool embeds and their errors."""

from html import escape
from pathlib import Path

import pytest
from pydantic import BaseModel

from roofline.web.markdown import render_markdown, renderer_version
from roofline.web.markdown.embeds import EmbedError, _renderers, register_embed, tool_link
from roofline.web.markdown.highlight import stylesheet

STATIC = Path(__file__).resolve().parents[3] / "src" / "roofline" / "web" / "static"


class SquareRequest(BaseModel):
    n: int


@pytest.fixture
def square_embed():
    """A tool embed registered for the test: a table of n² and a link that reproduces it."""

    @register_embed("square")
    def render_square(request: dict) -> str:
        req = SquareRequest.model_validate(request)
        if req.n < 0:
            raise EmbedError("n must not be negative")
        link = escape(tool_link("square", req.model_dump()))
        return f'<table class="embed"><tr><td>{req.n ** 2}</td></tr></table><a href="{link}">open in the tool</a>'

    yield
    del _renderers["square"]


def test_external_links_get_nofollow_ugc_noopener_and_internal_links_do_not():
    html = render_markdown("[a](https://example.com/x) [b](/articles/) [c](#part)").html
    assert '<a href="https://example.com/x" rel="nofollow ugc noopener">a</a>' in html
    assert '<a href="/articles/">b</a>' in html and '<a href="#part">c</a>' in html


def test_headings_get_unique_anchors_and_a_table_of_contents():
    rendered = render_markdown("## Why it matters?\n\n## Why it matters?\n\n### Bytes & FLOPs")
    assert [(e.level, e.id, e.text) for e in rendered.toc] == [
        (2, "why-it-matters", "Why it matters?"),
        (2, "why-it-matters-1", "Why it matters?"),
        (3, "bytes-flops", "Bytes & FLOPs"),
    ]
    assert '<a class="header-anchor" href="#why-it-matters">#</a>' in rendered.html


def test_math_is_left_as_escaped_tex_for_katex_and_prices_are_not_math():
    rendered = render_markdown("Inline $a<b$ and\n\n$$\n\\frac{1}{2}\n$$\n\nIt costs $5 and $10.")
    assert '<span class="math inline">a&lt;b</span>' in rendered.html
    assert '<div class="math block">\n\\frac{1}{2}\n</div>' in rendered.html
    assert "It costs $5 and $10." in rendered.html and rendered.has_math
    assert not render_markdown("It costs $5 and $10.").has_math


def test_code_is_highlighted_by_pygments_and_unknown_languages_are_escaped():
    html = render_markdown("```python\ndef f(): pass\n```\n\n```nosuchlang\n<b>\n```").html
    assert '<pre class="highlight" data-lang="python"><code><span class="k">def</span>' in html
    assert "<code>&lt;b&gt;\n</code>" in html


def test_tables_footnotes_and_task_lists_render():
    html = render_markdown("| a | b |\n|:-|-:|\n| 1 | 2 |\n\n- [x] done\n\nNote[^1].\n\n[^1]: The note.").html
    assert '<th style="text-align:left">a</th>' in html
    assert 'class="task-list-item-checkbox" checked="checked" disabled="disabled" type="checkbox"' in html
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1">' in html and "The note." in html


def test_a_registered_embed_renders_its_result_with_a_link_to_reproduce_it(square_embed):
    rendered = render_markdown('Before\n\n```roofline:square\n{"n": 12}\n```\n\nAfter')
    assert '<table class="embed"><tr><td>144</td></tr></table>' in rendered.html
    assert 'href="/tools/square/?request=%7B%22n%22%3A12%7D"' in rendered.html
    assert rendered.errors == [] and "square" in renderer_version()


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ('```roofline:square\n{"n": -1}\n```', "roofline:square: n must not be negative"),
        ('```roofline:square\n{"n": "many"}\n```', "roofline:square: n: Input should be a valid integer"),
        ("```roofline:square\n{not json\n```", "roofline:square: the request is not valid JSON"),
        ("```roofline:square\n[1, 2]\n```", "roofline:square: the block must hold one JSON object"),
        (
            "```roofline:warp-drive\n{}\n```",
            "roofline:warp-drive: unknown tool block; known blocks: ",  # then every registered block
        ),
    ],
)
def test_a_bad_embed_renders_a_visible_error_box_never_a_crash(square_embed, block, message):
    rendered = render_markdown(f"Text\n\n{block}\n\nMore text")
    assert len(rendered.errors) == 1 and rendered.errors[0].startswith(message)
    assert '<div class="embed-error" role="alert"><strong>roofline:' in rendered.html
    assert "More text" in rendered.html


def test_an_embed_slot_cannot_be_forged_from_member_text(square_embed):
    html = render_markdown('<div class="embed-slot">EMBED:0000:0</div>\n\n```roofline:square\n{"n": 2}\n```').html
    assert html.count("<table") == 1 and "&lt;div class=\"embed-slot\"&gt;EMBED:0000:0" in html


def test_the_committed_highlight_stylesheet_is_the_generated_one():
    assert (STATIC / "roofline" / "css" / "highlight.css").read_text() == stylesheet()


def test_katex_is_served_by_the_site():
    katex = STATIC / "vendor" / "katex"
    assert (katex / "katex.min.js").stat().st_size > 100_000 and (katex / "katex.min.css").exists()
    assert list((katex / "fonts").glob("*.woff2"))
