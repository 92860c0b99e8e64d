"""Reading a VramRequest from a URL (the page's form fields, or `?request=<json>` from embeds and scripts)."""

from django.http import QueryDict

from roofline.vram import VramRequest
from roofline.web.tools.query import request_from_query as _request_from_query

FIELDS = (
    "model", "mode", "gpu", "batch", "seq", "param_dtype", "mixed_precision", "optimizer", "attention",
    "checkpointing", "zero", "fsdp", "gpus", "tp", "pp", "sequence_parallel", "cpu_offload", "lora_rank", "qlora",
    "weights", "kv_dtype", "block_size", "prefill_chunk", "gpu_memory_utilization",
)  # fmt: skip
DEFAULT_MODEL = "meta-llama/Llama-3.1-8B"


def request_from_query(query: QueryDict) -> VramRequest:
    """The request a URL's query describes; the defaults when it describes none. InputError says what is wrong."""
    return _request_from_query(query, VramRequest, FIELDS, DEFAULT_MODEL)
