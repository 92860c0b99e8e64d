"""The attention job: runs in the worker, keeps loaded models between jobs (bounded by
ROOFLINE_ATTENTION_CACHE_GIB), and stores every head's matrix (max-pooled past ROOFLINE_ATTENTION_DETAIL_SIZE) in a
safetensors file beside the database, so the page can fetch one head without the result carrying them all."""

import re
import uuid
from functools import cache
from pathlib import Path

from django.conf import settings

from roofline.attention import AttentionError, AttentionRequest
from roofline.web.jobs.kinds import JobError, Progress, register_job_kind
from roofline.web.tools.attention.policy import site_request

MATRIX_FILE = re.compile(r"^[0-9a-f]{32}\.safetensors$")


@cache
def model_cache():
    """The worker's loaded models (torch is imported here, in the worker, not by the web process)."""
    from roofline.attention import ModelCache

    return ModelCache(int(settings.ROOFLINE_ATTENTION_CACHE_GIB * 2**30))


def matrices_dir() -> Path:
    return settings.ROOFLINE_HOME / "attention"


def save_matrices(matrices) -> str:
    """Write the heads' matrices (float16, keyed "stack/layer/head") and return the file's name."""
    import torch
    from safetensors.torch import save_file

    directory = matrices_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.safetensors"
    tensors = {f"{m.stack}/{m.layer}/{m.head}": m.values.to(torch.float16).contiguous() for m in matrices}
    save_file(tensors, directory / name)
    return name


def load_matrix(name: str, stack: str, layer: int, head: int):
    """One head's matrix from a job's file (a float32 numpy array), or None if the file or the head is not there."""
    from safetensors import safe_open

    path = matrices_dir() / name
    if not MATRIX_FILE.match(name) or not path.is_file():
        return None
    with safe_open(path, framework="numpy") as handle:
        key = f"{stack}/{layer}/{head}"
        return handle.get_tensor(key).astype("float32") if key in handle.keys() else None


@register_job_kind("attention", "Attention inspector", AttentionRequest)
def run_attention(request: AttentionRequest, progress: Progress) -> dict:
    try:
        request = site_request(request)
        loaded = model_cache().get(
            request.model, dtype=request.dtype, device=request.device, revision=request.revision, progress=progress
        )
        from roofline.attention import inspect_attention

        result = inspect_attention(request, progress, loaded=loaded)
    except AttentionError as error:
        raise JobError(str(error)) from None
    data = result.to_dict(matrices=False)
    del data["matrices"]
    data["matrices_file"] = save_matrices(result.matrices)
    return data
