"""Checkpoint facts, read without loading weights: a Hugging Face directory, a single `.safetensors`, a
`.gguf`, a PyTorch `.bin`/`.pt` (weights_only), a Hub id, or uploaded metadata files (the page)."""

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from roofline.cards.errors import CardError
from roofline.cards.gguf_file import read_gguf
from roofline.cards.metadata import (
    BIN_INDEX,
    SAFETENSORS_INDEX,
    Metadata,
    metadata_from_directory,
    metadata_from_texts,
)
from roofline.cards.safetensors_header import SafetensorsHeader, read_safetensors_header
from roofline.cards.torch_file import read_torch_state
from roofline.modelspec import ModelSpec, ModelSpecError, model_spec

WEIGHT_SUFFIXES = (".safetensors", ".gguf", ".bin", ".pt", ".pth")
TORCH_WEIGHT_PATTERNS = ["pytorch_model*.bin", "model*.bin", "model*.pt", "model*.pth"]
PACKED_QUANT_METHODS = ("gptq", "awq", "bitsandbytes", "aqlm", "hqq", "quanto", "eetq", "marlin")


@dataclass
class FileFact:
    name: str
    bytes: int
    sha256: str | None  # None when hashing was skipped (--no-hash) or the Hub gave none


@dataclass
class CheckpointFacts:
    """What a checkpoint says about itself. Every field is None (or empty) when the checkpoint does not say."""

    source: str
    kind: str  # "huggingface-directory", "safetensors", "gguf", "pytorch", "hub", "uploaded-files"
    name: str | None = None
    architecture: str | None = None  # Hugging Face model_type, or GGUF general.architecture
    architectures: list[str] = field(default_factory=list)  # config.json "architectures" (model classes)
    layers: int | None = None
    hidden: int | None = None
    heads: int | None = None
    kv_heads: int | None = None
    head_dim: int | None = None
    intermediate: int | None = None
    context_length: int | None = None  # tokens: max_position_embeddings or GGUF context_length
    vocab: int | None = None
    experts: int | None = None  # routed experts (MoE)
    experts_per_token: int | None = None
    params_total: int | None = None  # exact
    params_active: int | None = None  # per token (MoE); equals the total for dense models
    params_source: str | None = None  # where params_total comes from
    params_from_config: int | None = None  # the count modelspec derives from config.json (a cross-check)
    stored_elements_by_dtype: dict[str, int] = field(default_factory=dict)  # from the weight files
    dtype: str | None = None  # the dtype holding most elements
    config_dtype: str | None = None  # config.json torch_dtype / dtype
    quantization: str | None = None
    tied_embeddings: bool | None = None
    weight_bytes: int | None = None  # bytes of tensor data in the weight files
    files: list[FileFact] = field(default_factory=list)
    chat_template: bool | None = None
    tokenizer_class: str | None = None
    generation_config: dict = field(default_factory=dict)
    file_metadata: dict[str, str] = field(default_factory=dict)  # safetensors __metadata__ / GGUF general.*
    readme_metadata: dict = field(default_factory=dict)
    license: str | None = None  # what the checkpoint itself declares (README front matter, GGUF)
    notes: list[str] = field(default_factory=list)
    config: dict | None = field(default=None, repr=False)  # config.json, for the serving estimates

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("config")
        return data


Progress = Callable[[int, int], None]  # (bytes hashed so far, bytes to hash in all)


def read_facts(
    source: str, hash_files: bool = True, allow_local_files: bool = True, progress: Progress | None = None
) -> CheckpointFacts:
    """The facts of `source`: a path (directory, .safetensors, .gguf, .bin/.pt) or a Hub id. Servers pass
    allow_local_files=False, and then only Hub ids are read. `progress` hears how far hashing has got."""
    hashing = progress if hash_files else None
    if allow_local_files:
        path = Path(source).expanduser()
        if path.is_dir():
            return _directory_facts(path, hash_files, hashing)
        if path.is_file():
            return _file_facts(path, hash_files, hashing)
        if source.startswith((".", "/", "~")) or source.endswith(WEIGHT_SUFFIXES):
            raise CardError(f"{source}: no such file or directory")
    if source.count("/") != 1 or source.startswith((".", "/", "~")):
        what = "a checkpoint file or directory, or " if allow_local_files else ""
        raise CardError(f"{source!r} is not {what}a Hugging Face Hub id (owner/name)")
    from roofline.cards.hub import hub_facts

    return hub_facts(source)


def facts_from_files(texts: dict[str, str], source: str = "uploaded files") -> CheckpointFacts:
    """Facts from metadata files alone (config.json and friends, as the page uploads them): no weights, so the
    parameter count is the config formula's."""
    facts = CheckpointFacts(source=source, kind="uploaded-files")
    apply_metadata(facts, metadata_from_texts(texts))
    facts.files = [FileFact(name, len(text.encode()), _sha256_bytes(text.encode())) for name, text in texts.items()]
    finish(facts)
    return facts


def _directory_facts(directory: Path, hash_files: bool, progress: Progress | None) -> CheckpointFacts:
    facts = CheckpointFacts(source=str(directory), kind="huggingface-directory", name=directory.name)
    meta = metadata_from_directory(directory)
    apply_metadata(facts, meta)
    safetensors = _shards(directory, meta.indexes.get(SAFETENSORS_INDEX), ["*.safetensors"])
    torch_files = [] if safetensors else _shards(directory, meta.indexes.get(BIN_INDEX), TORCH_WEIGHT_PATTERNS)
    ggufs = sorted(directory.glob("*.gguf"))
    if safetensors:
        apply_headers(facts, [read_safetensors_header(p) for p in safetensors], meta.indexes.get(SAFETENSORS_INDEX))
    elif torch_files:
        apply_torch(facts, torch_files)
    elif len(ggufs) == 1:
        apply_gguf(facts, ggufs[0])
    elif ggufs:
        facts.notes.append(
            f"{len(ggufs)} GGUF files (one per quantisation?): give one file to count its parameters; the count "
            "here is the config formula's."
        )
    else:
        facts.notes.append("No weight files in the directory: the parameter count is the config formula's.")
    paths = [p for p in sorted(directory.iterdir()) if p.is_file() and not p.name.startswith(".")]
    facts.files = _file_list(paths, hash_files, progress)
    finish(facts)
    return facts


def _shards(directory: Path, index: dict | None, patterns: list[str]) -> list[Path]:
    """The weight files: those the index names (all must exist), else the files matching the first pattern that
    matches any (so training_args.bin or optimizer.pt beside the weights are never read as weights)."""
    if index is not None:
        names = sorted(set(index["weight_map"].values()))
        missing = [n for n in names if not (directory / n).is_file()]
        if missing:
            raise CardError(f"{directory}: the index names shard(s) that are not there: {', '.join(missing[:5])}")
        return [directory / n for n in names]
    for pattern in patterns:
        found = sorted(directory.glob(pattern))
        if found:
            return found
    return []


def _file_facts(path: Path, hash_files: bool, progress: Progress | None) -> CheckpointFacts:
    kinds = {".safetensors": "safetensors", ".gguf": "gguf", ".bin": "pytorch", ".pt": "pytorch", ".pth": "pytorch"}
    kind = kinds.get(path.suffix)
    if kind is None:
        raise CardError(f"{path.name}: not a checkpoint file; give a .safetensors, .gguf, .bin or .pt, or a directory")
    facts = CheckpointFacts(source=str(path), kind=kind, name=path.stem)
    config = path.parent / "config.json"
    if kind != "gguf" and config.is_file():
        apply_metadata(facts, metadata_from_directory(path.parent))
        facts.notes.append(f"Shape from {config} beside the file.")
    if kind == "safetensors":
        apply_headers(facts, [read_safetensors_header(path)], None)
    elif kind == "gguf":
        apply_gguf(facts, path)
    else:
        apply_torch(facts, [path])
    facts.files = _file_list([path], hash_files, progress)
    finish(facts)
    return facts


def apply_metadata(facts: CheckpointFacts, meta: Metadata) -> None:
    """Shape, dtype, quantisation, tokenizer and README facts from the metadata files."""
    config = meta.config
    facts.chat_template = meta.chat_template
    facts.readme_metadata = meta.readme_metadata
    if isinstance(meta.readme_metadata.get("license"), str):
        facts.license = meta.readme_metadata["license"]
    if meta.tokenizer_config:
        facts.tokenizer_class = _str(meta.tokenizer_config.get("tokenizer_class"))
    if meta.generation_config:
        keep = ("temperature", "top_p", "top_k", "max_new_tokens", "max_length", "do_sample", "repetition_penalty")
        facts.generation_config = {k: meta.generation_config[k] for k in keep if k in meta.generation_config}
    if config is None:
        return
    facts.config = config
    text = config.get("text_config") if isinstance(config.get("text_config"), dict) else config
    facts.name = _str(config.get("_name_or_path")) or facts.name
    facts.architectures = [a for a in config.get("architectures") or [] if isinstance(a, str)]
    facts.config_dtype = _str(text.get("torch_dtype") or text.get("dtype") or config.get("torch_dtype"))
    facts.tied_embeddings = bool(text.get("tie_word_embeddings", config.get("tie_word_embeddings", False)))
    quant = config.get("quantization_config")
    if isinstance(quant, dict):
        method = _str(quant.get("quant_method")) or "unknown method"
        bits = quant.get("bits") or quant.get("w_bit") or (4 if quant.get("load_in_4bit") else None)
        facts.quantization = f"{method} {bits}-bit" if bits else method
    try:
        spec = model_spec(config, name=facts.name or "config.json")
    except ModelSpecError as error:
        facts.architecture = _str(config.get("model_type"))
        facts.notes.append(f"Shape not derived from config.json: {error}")
        return
    _apply_spec(facts, spec)


def _apply_spec(facts: CheckpointFacts, spec: ModelSpec) -> None:
    facts.architecture = spec.architecture
    facts.layers, facts.hidden, facts.heads, facts.kv_heads = spec.n_layers, spec.hidden, spec.n_heads, spec.n_kv_heads
    facts.head_dim, facts.intermediate, facts.vocab = spec.head_dim, spec.intermediate, spec.vocab
    facts.context_length = spec.max_positions or None
    if spec.moe is not None:
        facts.experts, facts.experts_per_token = spec.moe.n_routed_experts, spec.moe.top_k
    facts.params_from_config = spec.params_total
    facts.params_total, facts.params_active = spec.params_total, spec.params_active
    facts.params_source = (
        f"config.json ({'counted on the meta device' if spec.params_source == 'meta-device' else 'formula'})"
    )
    facts.tied_embeddings = spec.tied_embeddings


def apply_headers(facts: CheckpointFacts, headers: list[SafetensorsHeader], index: dict | None) -> None:
    """Exact stored elements per dtype from the safetensors headers; they are the parameter count unless the
    checkpoint packs quantised weights (GPTQ, AWQ, ...), where the config formula is kept."""
    counts: Counter[str] = Counter()
    names: set[str] = set()
    for header in headers:
        counts.update(header.params_by_dtype())
        duplicated = names & header.tensors.keys()
        if duplicated:
            raise CardError(f"{header.path}: tensor {sorted(duplicated)[0]!r} is also in another shard")
        names |= header.tensors.keys()
        facts.file_metadata.update(header.metadata)
    if index is not None:
        missing = set(index["weight_map"]) - names
        if missing:
            raise CardError(f"the shard index lists tensor(s) no shard holds, e.g. {sorted(missing)[0]!r}")
    facts.weight_bytes = sum(t.nbytes for h in headers for t in h.tensors.values())
    _apply_counts(facts, dict(counts), "safetensors headers")


def _apply_counts(facts: CheckpointFacts, counts: dict[str, int], source: str) -> None:
    if not counts:
        facts.notes.append(f"The {source} hold no tensors.")
        return
    facts.stored_elements_by_dtype = counts
    facts.dtype = max(counts, key=counts.get) if counts else None
    stored = sum(counts.values())
    packed = facts.quantization and facts.quantization.split()[0].lower() in PACKED_QUANT_METHODS
    if packed:
        facts.notes.append(
            f"{facts.quantization} packs several weights into one stored element: the {source} hold {stored:,} "
            "elements, so the parameter count is the config formula's."
        )
        return
    if facts.params_from_config is not None and facts.params_from_config != stored:
        facts.notes.append(
            f"The {source} hold {stored:,} elements; the config formula gives {facts.params_from_config:,} "
            f"(difference {stored - facts.params_from_config:+,}: extra buffers, or components the formula omits)."
        )
    idle = (facts.params_total or 0) - (facts.params_active or 0)  # experts a token does not visit (MoE)
    facts.params_total, facts.params_source = stored, source
    facts.params_active = stored - idle


def apply_gguf(facts: CheckpointFacts, path: Path) -> None:
    gguf = read_gguf(path)
    facts.architecture = facts.architecture or gguf.architecture
    facts.name = gguf.name or facts.name
    shape = gguf.shape
    for name in ("layers", "hidden", "heads", "kv_heads", "intermediate", "context_length", "vocab", "experts"):
        if getattr(facts, name) is None and name in shape:
            setattr(facts, name, shape[name])
    facts.experts_per_token = facts.experts_per_token or shape.get("experts_per_token")
    facts.quantization = gguf.file_type
    facts.license = gguf.license or facts.license
    facts.chat_template = gguf.chat_template
    facts.file_metadata.update(gguf.metadata)
    facts.weight_bytes = gguf.tensor_bytes
    facts.stored_elements_by_dtype = gguf.params_by_type
    facts.dtype = max(gguf.params_by_type, key=gguf.params_by_type.get) if gguf.params_by_type else None
    facts.params_total, facts.params_source = gguf.params_total, "GGUF tensor index"
    if facts.experts and facts.experts_per_token:
        facts.notes.append("MoE GGUF: active parameters per token are not derived from GGUF metadata.")
    else:
        facts.params_active = facts.params_total


def apply_torch(facts: CheckpointFacts, paths: list[Path]) -> None:
    counts: Counter[str] = Counter()
    for path in paths:
        counts.update(read_torch_state(path))
    _apply_counts(facts, dict(counts), "PyTorch state dict")


def finish(facts: CheckpointFacts) -> None:
    """Notes on what is missing, so the card can say so instead of guessing."""
    if facts.params_total is None:
        facts.notes.append("Parameter count unknown: no config.json shape and no weight files were read.")
    if facts.chat_template is None:
        facts.notes.append("No tokenizer_config.json: whether a chat template ships is unknown.")


HASH_CHUNK_BYTES = 8 * 2**20


def _file_list(paths: list[Path], hash_files: bool, progress: Progress | None) -> list[FileFact]:
    """Name, size and (when asked) SHA-256 of each file, reporting hashed bytes to `progress`."""
    sizes = [p.stat().st_size for p in paths]
    total, done, files = sum(sizes), 0, []
    for path, size in zip(paths, sizes, strict=True):
        digest = None
        if hash_files:
            sha = hashlib.sha256()
            with path.open("rb") as file:
                while chunk := file.read(HASH_CHUNK_BYTES):
                    sha.update(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
            digest = sha.hexdigest()
        files.append(FileFact(path.name, size, digest))
    return files


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _str(value) -> str | None:
    return value if isinstance(value, str) and value else None
