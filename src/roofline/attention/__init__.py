"""Attention inspector: attention patterns of any Hugging Face model, head by head.

from roofline.attention import AttentionRequest, inspect_attention
result = inspect_attention(AttentionRequest(model="gpt2", text="The cat sat on the mat. The cat"))
result.top_heads()["induction"], result.to_dict()["heads"][0]
"""

from roofline.attention.errors import AttentionError
from roofline.attention.inspect import inspect_attention
from roofline.attention.loading import LoadedModel, ModelCache, load_model
from roofline.attention.request import AttentionRequest, HeadRef
from roofline.attention.result import AttentionResult

__all__ = [
    "AttentionError",
    "AttentionRequest",
    "AttentionResult",
    "HeadRef",
    "LoadedModel",
    "ModelCache",
    "inspect_attention",
    "load_model",
]
