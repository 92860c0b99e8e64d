"""```roofline:throughput blocks in articles: the estimate's key numbers, the roofline picture, and a link that
reproduces it in the tool."""

from django.template.loader import render_to_string

from roofline.throughput import estimate_throughput
from roofline.web.markdown.embeds import register_embed, tool_link
from roofline.web.tools.query import embed_result
from roofline.web.tools.throughput.charts import roofline_chart
from roofline.web.tools.throughput.inputs import request_from_query
from roofline.web.tools.throughput.views import USER_ERRORS


@register_embed("throughput")
def render_throughput(request: dict) -> str:
    result, ident = embed_result("throughput", request, request_from_query, estimate_throughput, USER_ERRORS)
    context = {
        "result": result,
        "roofline_svg": roofline_chart(result, ident),
        "open_url": tool_link("throughput", request),
    }
    return render_to_string("tools/throughput/_embed.html", context)
