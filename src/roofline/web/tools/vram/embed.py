"""```roofline:vram blocks in articles: the breakdown bar, the verdict, and a link that reproduces it in the tool."""

from django.template.loader import render_to_string

from roofline.vram import estimate_vram
from roofline.web.markdown.embeds import register_embed, tool_link
from roofline.web.tools.query import embed_result
from roofline.web.tools.vram.charts import breakdown_bar
from roofline.web.tools.vram.inputs import request_from_query
from roofline.web.tools.vram.views import USER_ERRORS


@register_embed("vram")
def render_vram(request: dict) -> str:
    result, ident = embed_result("vram", request, request_from_query, estimate_vram, USER_ERRORS)
    context = {"result": result, "bar_svg": breakdown_bar(result, ident), "open_url": tool_link("vram", request)}
    return render_to_string("tools/vram/_embed.html", context)
