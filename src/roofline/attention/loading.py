"""Load a Hugging Face model for inspection (eager attention, so attention weights exist) and keep loaded models in
a cache bounded by their parameter bytes."""

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from roofline.attention.errors import AttentionError

Progress = Callable[[float, str], None]

DTYPES = {"float32": "float32", "bfloat16": "bfloat16", "float16": "float16"}


@dataclass
class LoadedModel:
    """A model ready for inspection: the base model (no LM head), its tokenizer and config."""

    model_id: str
    model: object  # transformers.PreTrainedModel, eval mode, eager attention (or in-place eager: see `attention`)
    tokenizer: object  # transformers.PreTrainedTokenizerBase
    config: object  # transformers.PretrainedConfig
    device: str
    dtype: str
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)  # one inspection at a time: hooks
    attention: object = None  # inplace.AttentionChoice, made by the first inspection

    @property
    def parameter_bytes(self) -> int:
        return sum(p.numel() * p.element_size() for p in self.model.parameters())


def _looks_like_path(model_id: str) -> bool:
    return model_id.startswith((".", "/", "~")) or Path(model_id).expanduser().exists()


def _check_model_id(model_id: str) -> None:
    """A clear error for a missing local directory or a string that cannot be a Hub id."""
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    if _looks_like_path(model_id):
        path = Path(model_id).expanduser()
        if not path.is_dir():
            raise AttentionError(f"no model directory at {model_id}: give a directory holding config.json")
        if not (path / "config.json").is_file():
            raise AttentionError(f"{model_id} holds no config.json: is it a Hugging Face model directory?")
        return
    try:
        validate_repo_id(model_id)
    except HFValidationError:
        raise AttentionError(
            f"{model_id!r} is neither a local directory nor a Hugging Face Hub id (owner/name)"
        ) from None


def resolve_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise AttentionError(f"device {device!r} asked for, but no CUDA device is visible to torch")
    return device


def load_model(
    model_id: str,
    *,
    dtype: str = "float32",
    device: str = "auto",
    revision: str | None = None,
    trust_remote_code: bool = False,
    progress: Progress | None = None,
) -> LoadedModel:
    """Load config, tokenizer and base model with `attn_implementation="eager"`. Raises AttentionError for a model
    id, path or architecture the inspector cannot use. With HF_HUB_OFFLINE=1 only local directories and the local
    cache are read."""
    import torch
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    report = progress or (lambda fraction, message: None)
    _check_model_id(model_id)
    device = resolve_device(device)
    options = {"revision": revision, "trust_remote_code": trust_remote_code}
    report(0.0, f"Reading the configuration of {model_id}")
    try:
        config = AutoConfig.from_pretrained(model_id, **options)
    except OSError as error:
        raise AttentionError(
            f"could not read the model {model_id!r}: no local directory of that name, and the Hugging Face Hub "
            f"has no such model or cannot be reached (offline?). Detail: {_first_line(error)}"
        ) from None
    except ValueError as error:
        raise AttentionError(f"cannot load {model_id!r}: {_first_line(error)}") from None
    report(0.05, "Loading the tokenizer")
    try:
        tokenizer = AutoTokenizer.from_pretrained(model_id, **options)
    except (OSError, ValueError, TypeError) as error:
        raise AttentionError(f"{model_id!r} has no usable tokenizer: {_first_line(error)}") from None
    report(0.1, "Loading the weights")
    try:
        model = AutoModel.from_pretrained(
            model_id, config=config, attn_implementation="eager", dtype=getattr(torch, DTYPES[dtype]), **options
        )
    except (OSError, ValueError, KeyError) as error:
        raise AttentionError(f"cannot load the weights of {model_id!r}: {_first_line(error)}") from None
    model.to(device).eval()
    report(0.3, "Model loaded")
    return LoadedModel(model_id, model, tokenizer, config, device, dtype)


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class ModelCache:
    """Loaded models kept between jobs, least recently used dropped first once their parameter bytes exceed
    `max_bytes`. A model larger than `max_bytes` is loaded, used and not kept. Thread-safe."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._models: OrderedDict[tuple, LoadedModel] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, model_id: str, *, dtype: str, device: str, revision: str | None, progress=None) -> LoadedModel:
        key = (model_id, dtype, resolve_device(device), revision)
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key]
        loaded = load_model(model_id, dtype=dtype, device=device, revision=revision, progress=progress)
        with self._lock:
            if loaded.parameter_bytes <= self.max_bytes:
                self._models[key] = loaded
                while sum(m.parameter_bytes for m in self._models.values()) > self.max_bytes:
                    self._models.popitem(last=False)
        return loaded

    def __len__(self) -> int:
        return len(self._models)
