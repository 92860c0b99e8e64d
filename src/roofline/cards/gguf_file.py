"""Facts from a `.gguf` file's metadata and tensor index, through the `gguf` package (llama.cpp's own reader).
The reader memory-maps the file; the tensor data is never read."""

from dataclasses import dataclass, field
from pathlib import Path

from roofline.cards.errors import CardError

# llama.cpp's per-architecture keys (gguf.Keys.LLM / Keys.Attention), as "{arch}.<suffix>"
_SHAPE_KEYS = {
    "context_length": "context_length",
    "layers": "block_count",
    "hidden": "embedding_length",
    "intermediate": "feed_forward_length",
    "heads": "attention.head_count",
    "kv_heads": "attention.head_count_kv",
    "vocab": "vocab_size",
    "experts": "expert_count",
    "experts_per_token": "expert_used_count",
}


@dataclass
class GgufFacts:
    architecture: str | None
    name: str | None
    license: str | None
    file_type: str | None  # llama.cpp's LlamaFileType, e.g. "Q4_K_M", "BF16"
    shape: dict[str, int] = field(default_factory=dict)
    params_by_type: dict[str, int] = field(default_factory=dict)  # elements per GGML tensor type
    tensor_bytes: int = 0
    chat_template: bool = False
    metadata: dict[str, str] = field(default_factory=dict)  # general.* string values

    @property
    def params_total(self) -> int:
        return sum(self.params_by_type.values())


def read_gguf(path: str | Path) -> GgufFacts:
    """The metadata and tensor index of a GGUF file; CardError when it is not a readable GGUF file."""
    import gguf

    path = Path(path)
    try:
        reader = gguf.GGUFReader(path)
        values = {name: field.contents() for name, field in reader.fields.items() if not name.startswith("GGUF.")}
        tensors = [(t.tensor_type, int(t.n_elements), int(t.n_bytes)) for t in reader.tensors]
    except OSError as error:
        raise CardError(f"{path}: cannot read ({error.strerror or error})") from None
    except (ValueError, IndexError, KeyError, TypeError, OverflowError, UnicodeDecodeError) as error:
        raise CardError(f"{path.name}: not a readable GGUF file ({error})") from None
    arch = values.get("general.architecture")
    shape = {}
    for name, suffix in _SHAPE_KEYS.items():
        value = values.get(f"{arch}.{suffix}")
        if isinstance(value, list):  # per-layer head counts: report the first layer's
            value = value[0] if value else None
        if isinstance(value, int):
            shape[name] = value
    if "vocab" not in shape and isinstance(values.get("tokenizer.ggml.tokens"), list):
        shape["vocab"] = len(values["tokenizer.ggml.tokens"])
    params: dict[str, int] = {}
    for tensor_type, elements, _ in tensors:
        params[tensor_type.name] = params.get(tensor_type.name, 0) + elements
    file_type = values.get("general.file_type")
    try:
        file_type_name = gguf.LlamaFileType(file_type).name.removeprefix("MOSTLY_") if file_type is not None else None
    except ValueError:
        file_type_name = f"unknown file type {file_type}"
    return GgufFacts(
        architecture=arch if isinstance(arch, str) else None,
        name=_text(values.get("general.name")),
        license=_text(values.get("general.license")),
        file_type=file_type_name,
        shape=shape,
        params_by_type=params,
        tensor_bytes=sum(nbytes for _, _, nbytes in tensors),
        chat_template=bool(values.get("tokenizer.chat_template")),
        metadata={k: v for k, v in values.items() if k.startswith("general.") and isinstance(v, str)},
    )


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None
