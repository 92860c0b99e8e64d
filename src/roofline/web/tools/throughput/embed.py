"""```roofline:throughput blocks in articles: the estimate's key numbers, the roofline picture, and a link that
reproduces it in the tool."""

import hashlib
import json

from django.http import QueryDict
from django.template.loader import render_to_string

from roofline.throughput import estimate_throughput
from roofline.web.markdown.embeds import EmbedError, register_embed, tool_link
from roofline.web.tools.throughput.charts import roofline_chart
from roofline.web.tools.throughput.inputs import request_from_query
from roofline.web.tools.throughput.views import USER_ERRORS


@register_embed("throughput")
def render_throughput(request: dict) -> str:
    text = json.dumps(request, sort_keys=True)
    query = QueryDict(mutable=True)
    query["request"] = text
    try:
        result = estimate_throughput(request_from_query(query), allow_local_files=False).to_dict()
    except USER_ERRORS as error:
        raise EmbedError(str(error)) from None
    ident = "embed-throughput-" + hashlib.sha256(text.encode()).hexdigest()[:10]
    context = {
        "result": result,
        "roofline_svg": roofline_chart(result, ident),
        "open_url": tool_link("throughput", request),
    }
    return render_to_string("tools/throughput/_embed.html", context)
