"""Attention inspector: attention patterns of any Hugging Face model, head by head.

from roofline.attention import AttentionRequest, inspect_attention
result = inspect_attention(AttentionRequest(model="gpt2", text="The cat sat on the mat. The cat"))
result.top_heads()["induction"], result.to_dict()["heads"][0]

The request and the error import without torch (the web process only validates); the rest loads on first use.
"""

from importlib import import_module

from roofline.attention.errors import AttentionError
from roofline.attention.request import AttentionRequest, HeadRef

_LAZY = {
    "inspect_attention": "roofline.attention.inspect",
    "AttentionResult": "roofline.attention.result",
    "LoadedModel": "roofline.attention.loading",
    "ModelCache": "roofline.attention.loading",
    "load_model": "roofline.attention.loading",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'roofline.attention' has no attribute {name!r}")


__all__ = ["AttentionError", "AttentionRequest", "AttentionResult", "HeadRef", "LoadedModel", "ModelCache",
           "inspect_attention", "load_model"]  # fmt: skip
