"""XSS tables for the Markdown renderer: hostile inputs must render inert, ordinary Markdown must keep its formatting.

The output is checked structurally: parsed with the stdlib html.parser into a small tree, then every element and
attribute is inspected (forbidden elements, event handlers, URL schemes, style declarations, class and id values).
Substring checks are only a second line.

Math is left as TeX for KaTeX in the browser, so math payloads are also checked to arrive there as escaped text
inside a .math element, and (when node is installed) rendered with the vendored KaTeX and the options of
static/roofline/js/math.js to show that `trust: false` turns \\href, \\url and \\html* into inert error text.
"""

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from roofline.web.markdown import Rendered, render_markdown

WEB = Path(__file__).resolve().parents[3] / "src" / "roofline" / "web"
KATEX_JS = WEB / "static" / "vendor" / "katex" / "katex.min.js"
MATH_JS = WEB / "static" / "roofline" / "js" / "math.js"

FORBIDDEN_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "button", "meta", "base",
    "svg", "math", "link", "noscript", "template", "textarea", "select", "body", "html", "head", "title", "xmp",
}  # fmt: skip
# Every attribute our renderer (and the embed error box) emits; anything else means the allowlist leaked.
KNOWN_ATTRIBUTES = {
    "class", "id", "href", "title", "rel", "src", "alt", "type", "checked", "disabled", "data-lang", "style", "role",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "xlink:href", "action", "formaction", "background", "poster", "cite", "data", "srcset", "ping",
    "longdesc", "lowsrc", "dynsrc", "codebase", "icon", "manifest",
}  # fmt: skip
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
HREF_SCHEMES = {"http", "https", "mailto"}
SRC_SCHEMES = {"http", "https"}
STYLE_DECLARATION = re.compile(r"^\s*text-align\s*:\s*(left|right|center)\s*$")
CLASS_VALUE = re.compile(r"^[A-Za-z0-9_\- ]*$")
# ':' is allowed in ids because markdown-it's footnote plugin names repeated references fnref1:1, fnref1:2, ...
ID_VALUE = re.compile(r"^[A-Za-z0-9_\-:]*$")
VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
}  # fmt: skip


# --- a tiny DOM over html.parser -------------------------------------------------------------------------------------


@dataclass(eq=False)
class Node:
    tag: str
    attrs: list[tuple[str, str | None]]
    parent: "Node | None" = None
    children: list["Node | str"] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.attrs if key == name), None)

    def has(self, name: str) -> bool:
        return any(key == name for key, _ in self.attrs)

    def classes(self) -> set[str]:
        return set((self.get("class") or "").split())

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def elements(self) -> list["Node"]:
        return [child for child in self.children if isinstance(child, Node)]

    def iter(self) -> Iterator["Node"]:
        for child in self.elements():
            yield child
            yield from child.iter()

    def find_all(self, tag: str, *classes: str, **attrs: str) -> list["Node"]:
        return [
            node
            for node in self.iter()
            if node.tag == tag
            and set(classes) <= node.classes()
            and all(node.get(name.replace("_", "-")) == value for name, value in attrs.items())
        ]

    def find(self, tag: str, *classes: str, **attrs: str) -> "Node":
        found = self.find_all(tag, *classes, **attrs)
        assert found, f"no <{tag}> with classes {classes} and {attrs}"
        return found[0]


class TreeBuilder(HTMLParser):
    """Builds a Node tree; attribute values and text come back entity-decoded once, as a browser decodes them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [])
        self.current = self.root
        self.oddities: list[str] = []  # comments, declarations, processing instructions: none may reach a page

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID_TAGS:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)

    def handle_comment(self, data):
        self.oddities.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.oddities.append(f"<!{decl}>")

    def unknown_decl(self, data):
        self.oddities.append(f"<![{data}]>")

    def handle_pi(self, data):
        self.oddities.append(f"<?{data}>")


def parse(html: str) -> tuple[Node, list[str]]:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root, builder.oddities


def normalize_url(value: str) -> str:
    """A URL attribute as a browser would read its scheme, made stricter: the parser already decoded entities once
    (exactly as a browser does; decoding twice would invent links the browser never sees), then every whitespace and
    control character is removed anywhere (browsers strip them at the ends and drop tab/newline inside), lowercased.
    Percent-encoding is left alone: a browser never decodes it in a scheme, so `%6Aavascript:` is a relative path."""
    return "".join(ch for ch in value if ch > " " and ch != "\x7f").lower()


def executable_content(html: str) -> list[str]:
    """Everything in `html` that could run script, load active content or restyle the page; empty when inert."""
    root, oddities = parse(html)
    problems = [f"markup that must not survive: {odd!r}" for odd in oddities]
    for node in root.iter():
        where = f"<{node.tag}>"
        if node.tag in FORBIDDEN_TAGS or ":" in node.tag:
            problems.append(f"forbidden element {where}")
        for name, value in node.attrs:
            value = value or ""
            if name.startswith("on"):
                problems.append(f"event handler {name}={value!r} on {where}")
            if name not in KNOWN_ATTRIBUTES:
                problems.append(f"unexpected attribute {name}={value!r} on {where}")
            if name in URL_ATTRIBUTES:
                url = normalize_url(value)
                if url.startswith(BAD_SCHEMES):
                    problems.append(f"dangerous URL {name}={value!r} on {where}")
                scheme = SCHEME.match(url)
                allowed = SRC_SCHEMES if name == "src" else HREF_SCHEMES
                if scheme and scheme.group(1) not in allowed:
                    problems.append(f"URL scheme {scheme.group(1)!r} not allowed in {name}={value!r} on {where}")
            if name == "style":
                declarations = [d for d in value.split(";") if d.strip()]
                if not all(STYLE_DECLARATION.match(d) for d in declarations):
                    problems.append(f"style other than text-align: {value!r} on {where}")
            if name == "class" and not CLASS_VALUE.match(value):
                problems.append(f"odd class {value!r} on {where}")
            if name == "id" and not ID_VALUE.match(value):
                problems.append(f"odd id {value!r} on {where}")
    lowered = html.lower()
    for tag in sorted(FORBIDDEN_TAGS):
        if f"<{tag}" in lowered:
            problems.append(f"raw <{tag} in the output")
    return problems


def assert_inert(rendered: Rendered) -> None:
    problems = executable_content(rendered.html)
    assert not problems, "\n".join(problems) + f"\n--- html ---\n{rendered.html}"


# --- hostile inputs --------------------------------------------------------------------------------------------------

SVG_B64 = "PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"  # <svg onload=alert(1)>
SCRIPT_B64 = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="  # <script>alert(1)</script>

HOSTILE = [
    # <script> and <style>
    pytest.param("<script>alert(1)</script>", id="script-plain"),
    pytest.param("<SCRIPT>alert(1)</SCRIPT>", id="script-uppercase"),
    pytest.param("<ScRiPt>alert(1)</sCrIpT>", id="script-mixed-case"),
    pytest.param("<scr<script>ipt>alert(1)</scr</script>ipt>", id="script-nested-split"),
    pytest.param("<script><script>alert(1)</script></script>", id="script-nested"),
    pytest.param("<script src=https://evil.example/x.js", id="script-unclosed"),
    pytest.param("Hello <script>alert(1)</script> world", id="script-inline-in-paragraph"),
    pytest.param("<div>\n<script>\nalert(1)\n</script>\n</div>", id="script-in-html-block"),
    pytest.param('<style>body{background:url("javascript:alert(1)")}</style>', id="style-plain"),
    pytest.param("<STYLE>@import 'https://evil.example/x.css';</STYLE>", id="style-uppercase"),
    pytest.param("<style>*{width:expression(alert(1))}", id="style-unclosed"),
    pytest.param("<div><style><style>*{}</style></style></div>", id="style-nested"),
    # inline links
    pytest.param("[x](javascript:alert(1))", id="link-javascript"),
    pytest.param("[x](JaVaScRiPt:alert(1))", id="link-javascript-mixed-case"),
    pytest.param("[x](vbscript:msgbox(1))", id="link-vbscript"),
    pytest.param(f"[x](data:text/html;base64,{SCRIPT_B64})", id="link-data-html"),
    pytest.param("[x](data:image/png;base64,iVBORw0KGgo=)", id="link-data-image"),
    pytest.param("[x](jav&#x61;script:alert(1))", id="link-entity-hex"),
    pytest.param("[x](&#106;avascript:alert(1))", id="link-entity-decimal"),
    pytest.param("[x](&#0000106avascript:alert(1))", id="link-entity-zero-padded"),
    pytest.param("[x](javascript&colon;alert(1))", id="link-entity-colon"),
    pytest.param("[x](<java\tscript:alert(1)>)", id="link-literal-tab"),
    pytest.param("[x](java&#x09;script:alert(1))", id="link-entity-tab"),
    pytest.param("[x](<java&#x0A;script:alert(1)>)", id="link-entity-newline"),
    pytest.param("[x](\x01javascript:alert(1))", id="link-control-char"),
    pytest.param("[x](%6Aavascript:alert(1))", id="link-percent-encoded-scheme"),
    pytest.param("[x](javascript%3Aalert(1))", id="link-percent-encoded-colon"),
    pytest.param("[x](   javascript:alert(1))", id="link-leading-spaces"),
    pytest.param("[x](\n  javascript:alert(1))", id="link-leading-newline"),
    pytest.param("[x](<javascript:alert(1)>)", id="link-angle-destination"),
    pytest.param("[x](javascript://%0Aalert(1))", id="link-javascript-comment-newline"),
    pytest.param("[x](file:///etc/passwd)", id="link-file-scheme"),
    pytest.param("[<img src=x onerror=alert(1)>](https://ok.example)", id="link-text-raw-html"),
    pytest.param('[a](https://x.example/"onmouseover="alert(1))', id="link-href-quote-breakout"),
    # images
    pytest.param("![x](javascript:alert(1))", id="image-javascript"),
    pytest.param("![x](JAVASCRIPT:alert(1))", id="image-javascript-uppercase"),
    pytest.param("![x](vbscript:msgbox(1))", id="image-vbscript"),
    pytest.param(f"![x](data:image/svg+xml;base64,{SVG_B64})", id="image-data-svg"),
    pytest.param("![x](data:image/png;base64,iVBORw0KGgo=)", id="image-data-png"),
    pytest.param("![x](jav&#x61;script:alert(1))", id="image-entity-encoded"),
    pytest.param("![x](  \njavascript:alert(1))", id="image-leading-whitespace"),
    pytest.param(
        '![<img src=x onerror=alert(1)>](https://ok.example/a.png "<b onmouseover=alert(1)>")',
        id="image-alt-title-raw-html",
    ),
    # reference-style link definitions
    pytest.param("[x][r]\n\n[r]: javascript:alert(1)", id="refdef-javascript"),
    pytest.param("[x][r]\n\n[r]: <javascript:alert(1)>", id="refdef-angle-javascript"),
    pytest.param('[x][r]\n\n[r]:\n   JaVaScRiPt:alert(1)\n   "title"', id="refdef-next-line-with-title"),
    pytest.param("[x][r]\n\n[r]: jav&#x61;script:alert(1)", id="refdef-entity-encoded"),
    pytest.param("[r]\n\n[r]: vbscript:msgbox(1)", id="refdef-shortcut-vbscript"),
    pytest.param("![x][r]\n\n[r]: data:text/html,<script>alert(1)</script>", id="refdef-image-data"),
    pytest.param("[x][]\n\n[x]:\t\tjavascript:alert(1)", id="refdef-collapsed-tabs"),
    # autolinks
    pytest.param("<javascript:alert(1)>", id="autolink-javascript"),
    pytest.param("<JaVaScRiPt:alert(1)>", id="autolink-javascript-mixed-case"),
    pytest.param("<vbscript:msgbox(1)>", id="autolink-vbscript"),
    pytest.param(f"<data:text/html;base64,{SCRIPT_B64}>", id="autolink-data"),
    pytest.param("<jav&#x61;script:alert(1)>", id="autolink-entity-encoded"),
    pytest.param("<javascript:alert(1)//https://ok.example>", id="autolink-javascript-with-https-suffix"),
    # link titles
    pytest.param('[x](https://ok.example "a\\" onmouseover=\\"alert(1)")', id="title-double-quote-breakout"),
    pytest.param("[x](https://ok.example 'x\" onmouseover=\"alert(1)')", id="title-single-quoted-breakout"),
    pytest.param('[x]\n\n[x]: https://ok.example "<script>alert(1)</script>"', id="title-refdef-script"),
    pytest.param('[x](https://ok.example ("onfocus=alert(1) autofocus))', id="title-parenthesised"),
    # event handlers via raw HTML
    pytest.param("<img src=x onerror=alert(1)>", id="onerror-img"),
    pytest.param("<img/src=x/onerror=alert(1)>", id="onerror-img-slashes"),
    pytest.param("<body onload=alert(1)>", id="onload-body"),
    pytest.param('<div onclick="alert(1)">click</div>', id="onclick-div"),
    pytest.param('<a href="https://ok.example" onclick="alert(1)">x</a>', id="onclick-anchor"),
    pytest.param("<details open ontoggle=alert(1)>", id="ontoggle-details"),
    pytest.param("- [x] <input onfocus=alert(1) autofocus>", id="onfocus-in-task-list"),
    pytest.param('<a href="javascript:alert(1)">x</a>', id="raw-anchor-javascript"),
    # SVG and MathML
    pytest.param("<svg onload=alert(1)>", id="svg-onload"),
    pytest.param('<svg><a xlink:href="javascript:alert(1)"><text y="20">x</text></a></svg>', id="svg-xlink-href"),
    pytest.param("<svg><script>alert(1)</script></svg>", id="svg-script"),
    pytest.param("<svg><animate onbegin=alert(1) attributeName=x dur=1s>", id="svg-animate-onbegin"),
    pytest.param(
        '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
        id="mathml-maction",
    ),
    pytest.param('<math href="javascript:alert(1)">x</math>', id="mathml-href"),
    # frames, objects, forms, meta, base, link
    pytest.param('<iframe src="javascript:alert(1)"></iframe>', id="iframe-javascript"),
    pytest.param('<iframe srcdoc="<script>alert(1)</script>"></iframe>', id="iframe-srcdoc"),
    pytest.param(f'<object data="data:text/html;base64,{SCRIPT_B64}"></object>', id="object-data"),
    pytest.param('<embed src="javascript:alert(1)">', id="embed-tag"),
    pytest.param(
        '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
        id="form-action",
    ),
    pytest.param('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', id="meta-refresh"),
    pytest.param('<base href="javascript:alert(1)//">', id="base-href"),
    pytest.param('<link rel="stylesheet" href="https://evil.example/x.css">', id="link-stylesheet"),
    # entity tricks, comments, CDATA
    pytest.param("&lt;script&gt;alert(1)&lt;/script&gt;", id="entity-named-script"),
    pytest.param("&#60;script&#62;alert(1)&#60;/script&#62;", id="entity-numeric-script"),
    pytest.param("&#x3C;img src=x onerror=alert(1)&#x3E;", id="entity-hex-img"),
    pytest.param("<!-- <script>alert(1)</script> -->", id="comment-with-script"),
    pytest.param("<!--><script>alert(1)</script>-->", id="comment-breakout"),
    pytest.param("<![CDATA[<script>alert(1)</script>]]>", id="cdata"),
    pytest.param('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', id="noscript-title-mutation"),
    pytest.param("<?xml version='1.0'?><script>alert(1)</script>", id="processing-instruction"),
    # CSS in style attributes and tables
    pytest.param('<div style="width:expression(alert(1))">x</div>', id="style-attr-expression"),
    pytest.param('<p style="background:url(javascript:alert(1))">x</p>', id="style-attr-url"),
    pytest.param('| a |\n|:-:|\n| <td style="background:url(javascript:alert(1))"> |', id="table-cell-raw-style"),
    pytest.param('| a |\n|:-:" onmouseover="alert(1)|\n| b |', id="table-align-quote-breakout"),
    pytest.param("| a | b |\n|:--|--:|\n| [x](javascript:alert(1)) | <img src=x onerror=alert(1)> |", id="table-cells"),
    pytest.param("| a;background:red |\n|:-:|\n| x |", id="table-header-style-text"),
    # fence info strings
    pytest.param('```python" onmouseover="alert(1)\nx = 1\n```', id="fence-info-quote-breakout"),
    pytest.param("```<script>alert(1)</script>\nx\n```", id="fence-info-script"),
    pytest.param('~~~js" onload="alert(1)" x="\na\n~~~', id="fence-tilde-info-breakout"),
    pytest.param("```\n</code></pre><script>alert(1)</script>\n```", id="fence-body-breakout"),
    pytest.param("    <script>alert(1)</script>", id="indented-code-script"),
    pytest.param("`</code><script>alert(1)</script>`", id="inline-code-breakout"),
    # tool embed blocks
    pytest.param('```roofline:<img src=x onerror=alert(1)>\n{"a": 1}\n```', id="embed-name-img-onerror"),
    pytest.param('```roofline:x" onload="alert(1)\n{}\n```', id="embed-name-quote-breakout"),
    pytest.param(
        '```roofline:x\n{"a": "</div><script>alert(1)</script>", "<b>": "<svg onload=alert(1)>"}\n```',
        id="embed-hostile-json",
    ),
    pytest.param("```roofline:x\n</div><script>alert(1)</script>\n```", id="embed-invalid-json-with-script"),
    pytest.param(
        '```roofline:x\n{}\n```\n\n<div class="embed-slot">EMBED:0123456789abcdef:0</div>', id="embed-forged-slot"
    ),
    pytest.param("```roofline:\n{}\n```", id="embed-empty-name"),
    # headings and footnotes (their ids come from the writer's text)
    pytest.param("## <img src=x onerror=alert(1)> heading", id="heading-img-onerror"),
    pytest.param('## x" onmouseover="alert(1)', id="heading-quote-breakout"),
    pytest.param("## javascript:alert(1)", id="heading-javascript-slug"),
    pytest.param('x" onmouseover="alert(1)\n=======', id="heading-setext-payload"),
    pytest.param('### #"><svg onload=alert(1)>', id="heading-hash-svg"),
    pytest.param('text[^<b>x"onload=1]\n\n[^<b>x"onload=1]: note', id="footnote-label-payload"),
    pytest.param(
        'a[^"><svg/onload=alert(1)>] b[^"><svg/onload=alert(1)>]\n\n[^"><svg/onload=alert(1)>]: note',
        id="footnote-label-repeated",
    ),
    pytest.param("Inline^[<script>alert(1)</script>]", id="footnote-inline-script"),
    pytest.param("x[^1]\n\n[^1]: [y](javascript:alert(1)) <img src=x onerror=alert(1)>", id="footnote-body-payload"),
]

# Math payloads: (Markdown, the TeX each .math element must hold as text, display mode).
MATH_HOSTILE = [
    pytest.param("$\\href{javascript:alert(1)}{x}$", [("\\href{javascript:alert(1)}{x}", False)], id="katex-href"),
    pytest.param(
        "$\\href{JaVaScRiPt:alert(1)}{x}$", [("\\href{JaVaScRiPt:alert(1)}{x}", False)], id="katex-href-mixed-case"
    ),
    pytest.param("$\\url{javascript:alert(1)}$", [("\\url{javascript:alert(1)}", False)], id="katex-url"),
    pytest.param(
        "$$\n\\href{javascript:alert(1)}{x}\n$$", [("\\href{javascript:alert(1)}{x}", True)], id="katex-block-href"
    ),
    pytest.param("$$\\url{javascript:alert(1)}$$", [("\\url{javascript:alert(1)}", True)], id="katex-block-url"),
    pytest.param(
        '$\\htmlId{x" onload="alert(1)}{y}$', [('\\htmlId{x" onload="alert(1)}{y}', False)], id="katex-htmlId"
    ),
    pytest.param(
        "$\\htmlClass{math inline katex}{y}$", [("\\htmlClass{math inline katex}{y}", False)], id="katex-htmlClass"
    ),
    pytest.param(
        "$$\n\\htmlStyle{background:url(javascript:alert(1))}{x}\n$$",
        [("\\htmlStyle{background:url(javascript:alert(1))}{x}", True)],
        id="katex-htmlStyle",
    ),
    pytest.param(
        "$\\htmlData{onload=alert(1), foo=bar}{x}$",
        [("\\htmlData{onload=alert(1), foo=bar}{x}", False)],
        id="katex-htmlData",
    ),
    pytest.param(
        "$\\includegraphics{javascript:alert(1)}$",
        [("\\includegraphics{javascript:alert(1)}", False)],
        id="katex-includegraphics",
    ),
    pytest.param(
        "$\\def\\x{\\href}\\x{javascript:alert(1)}{y}$",
        [("\\def\\x{\\href}\\x{javascript:alert(1)}{y}", False)],
        id="katex-macro-indirection",
    ),
    pytest.param(
        '$\\textcolor{red" onload="alert(1)}{x}$',
        [('\\textcolor{red" onload="alert(1)}{x}', False)],
        id="katex-textcolor-quote",
    ),
    pytest.param(
        "$\\href{jav&#x61;script:alert(1)}{x}$",
        [("\\href{jav&#x61;script:alert(1)}{x}", False)],
        id="katex-href-entity-stays-literal",
    ),
    pytest.param(
        "$</span><script>alert(1)</script>$", [("</span><script>alert(1)</script>", False)], id="math-inline-breakout"
    ),
    pytest.param(
        "$$\n</div><img src=x onerror=alert(1)>\n$$",
        [("</div><img src=x onerror=alert(1)>", True)],
        id="math-block-breakout",
    ),
    pytest.param(
        "## $\\href{javascript:alert(1)}{x}$ title", [("\\href{javascript:alert(1)}{x}", False)], id="math-in-heading"
    ),
    pytest.param(
        "[$\\url{javascript:alert(1)}$](https://ok.example)",
        [("\\url{javascript:alert(1)}", False)],
        id="math-in-link-text",
    ),
    pytest.param(
        "$a$ and\n\n$$\n\\htmlId{fn1}{\\href{vbscript:msgbox(1)}{z}}\n$$",
        [("a", False), ("\\htmlId{fn1}{\\href{vbscript:msgbox(1)}{z}}", True)],
        id="math-mixed-inline-and-block",
    ),
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_renders_inert(source):
    assert_inert(render_markdown(source))


@pytest.mark.parametrize("source, tex", MATH_HOSTILE)
def test_hostile_math_renders_inert(source, tex):
    assert_inert(render_markdown(source))


@pytest.mark.parametrize("source, tex", MATH_HOSTILE)
def test_math_payload_reaches_katex_as_escaped_text(source, tex):
    rendered = render_markdown(source)
    root, _ = parse(rendered.html)
    math = [node for node in root.iter() if {"math"} <= node.classes()]
    assert [(node.text().strip(), "block" in node.classes()) for node in math] == tex
    for node in math:
        assert node.tag == ("div" if "block" in node.classes() else "span")
        assert not node.elements(), f"markup inside a .math element: {rendered.html}"
    assert rendered.has_math


def test_math_script_keeps_katex_trust_off():
    """The browser half of the math defence: math.js must render with trust off (no \\href, \\url, \\html*)."""
    script = MATH_JS.read_text()
    assert re.search(r"\btrust:\s*false\b", script)
    assert "textContent" in script  # KaTeX gets the element's text (the escaped TeX), never its HTML


@pytest.fixture(scope="module")
def katex_output() -> dict[tuple[str, bool], str]:
    """KaTeX's HTML for every math payload, rendered once by node with the options math.js uses."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: cannot run the vendored KaTeX")
    if not KATEX_JS.is_file():
        pytest.skip(f"the vendored KaTeX is missing at {KATEX_JS}")
    inputs = sorted({item for param in MATH_HOSTILE for item in param.values[1]})
    script = """
        const katex = require(process.argv[1]);
        const inputs = JSON.parse(require("fs").readFileSync(0, "utf8"));
        const options = {throwOnError: false, trust: false, strict: "ignore", maxExpand: 1000, maxSize: 50};
        const out = inputs.map(([tex, display]) => katex.renderToString(tex, {...options, displayMode: display}));
        process.stdout.write(JSON.stringify(out));
    """
    result = subprocess.run(
        [node, "-e", script, str(KATEX_JS)], input=json.dumps(inputs), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return dict(zip(inputs, json.loads(result.stdout), strict=True))


@pytest.mark.parametrize("source, tex", MATH_HOSTILE)
def test_katex_with_trust_off_makes_nothing_active(source, tex, katex_output):
    for item in tex:
        html = katex_output[item]
        root, _ = parse(html)
        for node in root.iter():
            assert node.tag not in {"script", "style", "iframe", "object", "embed", "form", "a", "maction", "img"}, html
            for name, value in node.attrs:
                value = value or ""
                assert not name.startswith("on"), html
                assert name not in URL_ATTRIBUTES, f"KaTeX made a link or image: {name}={value!r}"
                assert name != "id" and not name.startswith("data-"), f"\\htmlId/\\htmlData applied: {name}={value!r}"
                if name == "class":
                    assert CLASS_VALUE.match(value), value
                    assert not {"inline", "block", "math"} & set(value.split()), f"\\htmlClass applied: {value!r}"
                if name == "style":
                    assert not re.search(r"url\(|expression|javascript|background", value, re.I), value
        lowered = html.lower()
        assert 'href="javascript' not in lowered and "href='javascript" not in lowered


# --- ordinary Markdown keeps its formatting --------------------------------------------------------------------------

EXTERNAL_REL = "nofollow ugc noopener"


def _emphasis(root: Node, rendered: Rendered) -> None:
    assert root.find("em").text() == "this"
    assert root.find("strong").text() == "that"
    assert root.find("s").text() == "gone"
    assert root.find("code").text() == "x < y"


def _external_link(root: Node, rendered: Rendered) -> None:
    link = root.find("a", href="https://example.com/docs?a=1&b=2")
    assert link.get("rel") == EXTERNAL_REL
    assert link.get("title") == "Docs"
    assert link.text() == "the docs"


def _autolink_and_mailto(root: Node, rendered: Rendered) -> None:
    assert root.find("a", href="https://example.com/x").get("rel") == EXTERNAL_REL
    assert root.find("a", href="mailto:team@example.com").text() == "team@example.com"


def _relative_links(root: Node, rendered: Rendered) -> None:
    for href in ("/tools/roofline/", "../articles/", "#setup"):
        link = root.find("a", href=href)
        assert not link.has("rel"), f"{href} is on this site and must not get rel"
    assert root.find("a", href="/articles/intro/").text() == "intro"  # reference-style


def _code_fence(root: Node, rendered: Rendered) -> None:
    pre = root.find("pre", "highlight", data_lang="python")
    code = pre.find("code")
    assert code.text() == "def f(x):\n    return x * 2\n"
    assert pre.find("span", "k").text() == "def"  # Pygments' keyword span
    assert pre.find("span", "nf").text() == "f"


def _plain_fence(root: Node, rendered: Rendered) -> None:
    pre = root.find("pre", "highlight")
    assert not pre.has("data-lang")
    assert pre.find("code").text() == "<b>kept as text</b>\n"


def _table(root: Node, rendered: Rendered) -> None:
    table = root.find("table")
    assert [th.text() for th in table.find_all("th")] == ["Chip", "TFLOP/s"]
    assert [th.get("style") for th in table.find_all("th")] == ["text-align:left", "text-align:right"]
    assert [td.text() for td in table.find_all("td")] == ["H100", "989"]


def _task_list(root: Node, rendered: Rendered) -> None:
    boxes = root.find_all("input", "task-list-item-checkbox", type="checkbox")
    assert len(boxes) == 2
    assert all(box.has("disabled") for box in boxes)
    assert [box.has("checked") for box in boxes] == [True, False]


def _footnote(root: Node, rendered: Rendered) -> None:
    ref = root.find("sup", "footnote-ref").find("a", href="#fn1")
    assert ref.get("id") == "fnref1"
    item = root.find("li", "footnote-item", id="fn1")
    assert "The source." in item.text()
    assert item.find("a", "footnote-backref", href="#fnref1")


def _inline_math(root: Node, rendered: Rendered) -> None:
    assert root.find("span", "math", "inline").text() == "E = mc^2"
    assert root.find("div", "math", "block").text().strip() == "\\int_0^1 x\\,dx"
    assert rendered.has_math


def _heading(root: Node, rendered: Rendered) -> None:
    heading = root.find("h2", id="why-it-matters")
    assert heading.find("a", "header-anchor", href="#why-it-matters").text() == "#"
    assert root.find("h3", id="details")
    assert [(entry.level, entry.id) for entry in rendered.toc] == [(2, "why-it-matters"), (3, "details")]


def _image(root: Node, rendered: Rendered) -> None:
    image = root.find("img", src="https://example.com/roofline.png")
    assert image.get("alt") == "A roofline plot"
    assert image.get("title") == "Roofline"
    assert root.find("img", src="/static/a.png").get("alt") == "local"


def _lists_and_quotes(root: Node, rendered: Rendered) -> None:
    assert [li.text() for li in root.find("ul").find_all("li")] == ["one", "two"]
    assert [li.text() for li in root.find("ol").find_all("li")] == ["first", "second"]
    assert root.find("blockquote").find("p").text() == "Quoted."
    assert root.find_all("hr")


def _entities_kept_as_text(root: Node, rendered: Rendered) -> None:
    paragraph = root.find("p")
    assert paragraph.text() == "Use a < b && c > d, AT&T, © and <br> as text."
    assert not paragraph.find_all("br")


ORDINARY: list = [
    pytest.param("Some *this* and **that**, ~~gone~~ and `x < y`.", _emphasis, id="emphasis"),
    pytest.param('See [the docs](https://example.com/docs?a=1&b=2 "Docs").', _external_link, id="external-link"),
    pytest.param("<https://example.com/x> or <team@example.com>", _autolink_and_mailto, id="autolink-and-mailto"),
    pytest.param(
        "[a](/tools/roofline/) [b](../articles/) [c](#setup) [intro]\n\n[intro]: /articles/intro/",
        _relative_links,
        id="relative-links",
    ),
    pytest.param("```python\ndef f(x):\n    return x * 2\n```", _code_fence, id="code-fence-python"),
    pytest.param("```\n<b>kept as text</b>\n```", _plain_fence, id="code-fence-plain"),
    pytest.param("| Chip | TFLOP/s |\n|:-----|--------:|\n| H100 | 989 |", _table, id="table"),
    pytest.param("- [x] measured\n- [ ] published", _task_list, id="task-list"),
    pytest.param("A claim.[^1]\n\n[^1]: The source.", _footnote, id="footnote"),
    pytest.param("Energy $E = mc^2$.\n\n$$\n\\int_0^1 x\\,dx\n$$", _inline_math, id="math"),
    pytest.param("## Why it matters?\n\n### Details", _heading, id="heading-anchors"),
    pytest.param(
        '![A roofline plot](https://example.com/roofline.png "Roofline") ![local](/static/a.png)', _image, id="image"
    ),
    pytest.param("- one\n- two\n\n1. first\n2. second\n\n> Quoted.\n\n---", _lists_and_quotes, id="lists-quotes-hr"),
    pytest.param("Use a < b && c > d, AT&T, &copy; and <br> as text.", _entities_kept_as_text, id="entities-as-text"),
]


@pytest.mark.parametrize("source, check", ORDINARY)
def test_ordinary_markdown_keeps_formatting(source, check: Callable[[Node, Rendered], None]):
    rendered = render_markdown(source)
    root, _ = parse(rendered.html)
    check(root, rendered)
    assert_inert(rendered)  # the structural checks must not reject what the renderer normally makes


def test_embed_errors_name_the_block_as_text():
    rendered = render_markdown("```roofline:<img src=x onerror=alert(1)>\n{}\n```\n\nEMBED:0123456789abcdef:0")
    root, _ = parse(rendered.html)
    assert root.find("div", "embed-error").find("strong").text() == "roofline:<img"
    assert rendered.errors and rendered.errors[0].startswith("roofline:<img: unknown tool block")
    assert not root.find_all("img")
    assert "EMBED:0123456789abcdef:0" in root.text()  # a forged slot without the per-render nonce stays text


@pytest.mark.parametrize(
    "html",
    [
        pytest.param("<p><script>alert(1)</script></p>", id="script"),
        pytest.param("<SVG><a>x</a></SVG>", id="svg-uppercase"),
        pytest.param('<img src="x" onerror="alert(1)">', id="onerror"),
        pytest.param('<a href="  jav&#x09;ascript&colon;alert(1)">x</a>', id="encoded-javascript-href"),
        pytest.param('<a href="\x01JAVASCRIPT:alert(1)">x</a>', id="control-char-href"),
        pytest.param('<img src="data:image/png;base64,AAAA">', id="data-src"),
        pytest.param('<img src="mailto:a@b.c">', id="mailto-src"),
        pytest.param('<a href="ftp://x.example/">x</a>', id="other-scheme-href"),
        pytest.param('<td style="text-align:left;background:url(x)">x</td>', id="style-beyond-text-align"),
        pytest.param('<span class="a&quot; b">x</span>', id="odd-class"),
        pytest.param('<h2 id="x&lt;y">x</h2>', id="odd-id"),
        pytest.param('<div data-x="1">x</div>', id="unknown-attribute"),
        pytest.param("<!-- hidden -->", id="comment"),
    ],
)
def test_checker_catches_executable_content(html):
    """The structural checks themselves: each of these must be reported, or the tables above prove nothing."""
    assert executable_content(html)


def test_tables_are_big_enough():
    assert len(HOSTILE) + len(MATH_HOSTILE) >= 40
    assert len(ORDINARY) >= 10
