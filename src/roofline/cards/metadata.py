"""The small files beside a checkpoint that describe it (config.json, tokenizer and generation configs, the
shard index, an existing README, a chat template), read from a directory or from uploaded texts, each capped
in size and checked, so a malformed file gets a message that names it."""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from roofline.cards.errors import CardError
from roofline.cards.jsontext import json_object

MAX_METADATA_BYTES = 16 * 2**20  # 16 MiB per file: far above any real config, tokenizer config or README
JSON_FILES = ("config.json", "tokenizer_config.json", "generation_config.json", "model.safetensors.index.json",
              "pytorch_model.bin.index.json", "chat_template.json")  # fmt: skip
TEXT_FILES = ("README.md", "chat_template.jinja")
METADATA_FILES = JSON_FILES + TEXT_FILES
SAFETENSORS_INDEX, BIN_INDEX = "model.safetensors.index.json", "pytorch_model.bin.index.json"
INDEX_FILES = (SAFETENSORS_INDEX, BIN_INDEX)


@dataclass
class Metadata:
    config: dict | None = None
    tokenizer_config: dict | None = None
    generation_config: dict | None = None
    indexes: dict[str, dict] = field(default_factory=dict)  # shard indexes by file name (safetensors, bin)
    readme_metadata: dict = field(default_factory=dict)  # the YAML front matter of an existing README.md
    chat_template_file: bool = False  # chat_template.jinja / chat_template.json present
    present: list[str] = field(default_factory=list)

    @property
    def chat_template(self) -> bool | None:
        """Whether a chat template ships with the model; None when no tokenizer config says either way."""
        if self.chat_template_file or (self.tokenizer_config or {}).get("chat_template"):
            return True
        return False if self.tokenizer_config is not None else None


def metadata_from_directory(directory: Path) -> Metadata:
    texts = {}
    for name in METADATA_FILES:
        path = directory / name
        if path.is_file():
            if path.stat().st_size > MAX_METADATA_BYTES:
                raise CardError(f"{path}: {path.stat().st_size:,} bytes, over the {MAX_METADATA_BYTES:,}-byte limit")
            try:
                texts[name] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise CardError(f"{path}: not UTF-8 text") from None
    return metadata_from_texts(texts)


def metadata_from_texts(texts: dict[str, str]) -> Metadata:
    """Metadata from file names and contents (unknown names are refused, so a typo is not silently ignored)."""
    unknown = sorted(set(texts) - set(METADATA_FILES))
    if unknown:
        raise CardError(f"unexpected metadata file(s) {', '.join(unknown)}; give any of {', '.join(METADATA_FILES)}")
    meta = Metadata(present=sorted(texts))
    for name, text in texts.items():
        if len(text.encode()) > MAX_METADATA_BYTES:
            raise CardError(f"{name}: over the {MAX_METADATA_BYTES:,}-byte limit")
    parsed = {name: json_object(texts[name], name) for name in JSON_FILES if name in texts}
    meta.config = parsed.get("config.json")
    meta.tokenizer_config = parsed.get("tokenizer_config.json")
    meta.generation_config = parsed.get("generation_config.json")
    for name in INDEX_FILES:
        if name in parsed:
            if not isinstance(parsed[name].get("weight_map"), dict):
                raise CardError(f"{name} has no weight_map object (tensor name → shard file)")
            meta.indexes[name] = parsed[name]
    meta.chat_template_file = "chat_template.jinja" in texts or "chat_template.json" in texts
    if "README.md" in texts:
        meta.readme_metadata = front_matter(texts["README.md"], "README.md")
    return meta


def front_matter(text: str, name: str) -> dict:
    """The YAML between a leading `---` line and the next one, or {} when there is none."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return {}
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
    except StopIteration:
        raise CardError(f"{name}: the YAML front matter opened by '---' is never closed") from None
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as error:
        raise CardError(f"{name}: the YAML front matter is malformed ({_yaml_problem(error)})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CardError(f"{name}: the YAML front matter must be a mapping")
    return data


def _yaml_problem(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return f"{problem} at line {mark.line + 1}" if mark is not None else problem
