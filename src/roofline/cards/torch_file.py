"""Facts from a PyTorch `.bin`/`.pt` state dict, loaded only with `torch.load(weights_only=True)`: the
restricted unpickler that builds tensors and plain containers and refuses every other global, so a file that
would run code when unpickled is rejected, not run. Memory-mapped where the file format allows it."""

import pickle
import warnings
import zipfile
from collections import Counter
from pathlib import Path

from roofline.cards.errors import CardError


def read_torch_state(path: str | Path) -> dict[str, int]:
    """Elements per dtype (e.g. {"bfloat16": 6738415616}) over every tensor in the file, however nested."""
    try:
        import torch
    except ImportError:  # pragma: no cover - the ml extra
        raise CardError("reading .bin/.pt checkpoints needs torch: pip install 'roofline[ml]'") from None
    path = Path(path)
    try:
        mmap = zipfile.is_zipfile(path)  # torch's zip format can be memory-mapped; the legacy format cannot
        with warnings.catch_warnings():  # torch warns about pickle protocols it did not write; the error says more
            warnings.simplefilter("ignore", UserWarning)
            state = torch.load(path, map_location="cpu", weights_only=True, mmap=mmap)
    except pickle.UnpicklingError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else "refused"
        raise CardError(
            f"{path.name}: refused by torch.load(weights_only=True), which loads only tensors and plain "
            f"containers ({first}); convert the checkpoint to safetensors"
        ) from None
    except OSError as error:
        raise CardError(f"{path}: cannot read ({error.strerror or error})") from None
    except (RuntimeError, EOFError, ValueError, zipfile.BadZipFile) as error:
        raise CardError(f"{path.name}: not a readable PyTorch checkpoint ({str(error).splitlines()[0]})") from None
    counts: Counter[str] = Counter()
    seen = set()
    for tensor in _tensors(state):
        key = (tensor.untyped_storage().data_ptr(), tensor.storage_offset(), tuple(tensor.shape))
        if key in seen:  # tied weights saved under two names share one storage: count them once
            continue
        seen.add(key)
        counts[str(tensor.dtype).removeprefix("torch.")] += tensor.numel()
    if not counts:
        raise CardError(f"{path.name}: holds no tensors")
    return dict(counts)


def _tensors(value):
    import torch

    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _tensors(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _tensors(item)
