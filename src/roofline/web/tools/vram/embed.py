"""```roofline:vram blocks in articles: the breakdown bar, the verdict, and a link that reproduces it in the tool."""

import hashlib
import json

from django.http import QueryDict
from django.template.loader import render_to_string

from roofline.vram import estimate_vram
from roofline.web.markdown.embeds import EmbedError, register_embed, tool_link
from roofline.web.tools.vram.charts import breakdown_bar
from roofline.web.tools.vram.inputs import request_from_query
from roofline.web.tools.vram.views import USER_ERRORS


@register_embed("vram")
def render_vram(request: dict) -> str:
    text = json.dumps(request, sort_keys=True)
    query = QueryDict(mutable=True)
    query["request"] = text
    try:
        result = estimate_vram(request_from_query(query), allow_local_files=False).to_dict()
    except USER_ERRORS as error:
        raise EmbedError(str(error)) from None
    ident = "embed-vram-" + hashlib.sha256(text.encode()).hexdigest()[:10]
    context = {"result": result, "bar_svg": breakdown_bar(result, ident), "open_url": tool_link("vram", request)}
    return render_to_string("tools/vram/_embed.html", context)
