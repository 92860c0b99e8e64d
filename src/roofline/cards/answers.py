"""What a program cannot know about a model: its authors' answers, from a YAML/JSON file, CLI flags or the
page's form. Every field is optional; the card marks an unanswered one as not provided."""

import json
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from roofline.cards.errors import CardError

MAX_ANSWERS_BYTES = 1 * 2**20  # 1 MiB


class CardAnswers(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    model_name: str | None = Field(None, max_length=200, description="The model's name as the card titles it.")
    summary: str | None = Field(None, max_length=20_000, description="What the model is, in a paragraph.")
    authors: str | None = Field(None, max_length=2_000, description="Who developed the model.")
    license: str | None = Field(None, max_length=100, description="SPDX-style licence id (apache-2.0, llama2, other).")
    license_link: str | None = Field(None, max_length=500, description="URL of the licence text when it is 'other'.")
    languages: list[str] = Field(default_factory=list, description="ISO 639 codes of the languages it handles.")
    base_model: list[str] = Field(default_factory=list, description="Hub ids of the model(s) it was fine-tuned from.")
    datasets: list[str] = Field(default_factory=list, description="Hub ids of its training datasets.")
    tags: list[str] = Field(default_factory=list)
    pipeline_tag: str | None = Field(None, max_length=100, description="Hub task, e.g. text-generation.")
    library_name: str | None = Field(None, max_length=100, description="e.g. transformers, gguf, vllm.")
    repository: str | None = Field(None, max_length=500, description="Code or model repository URL.")
    paper: str | None = Field(None, max_length=500, description="Paper URL.")
    intended_use: str | None = Field(None, max_length=20_000)
    out_of_scope_use: str | None = Field(None, max_length=20_000)
    training_data: str | None = Field(None, max_length=20_000, description="A summary of the training data.")
    training_procedure: str | None = Field(None, max_length=20_000)
    limitations: str | None = Field(None, max_length=20_000, description="Limitations the authors know of.")
    recommendations: str | None = Field(None, max_length=20_000)
    ethical_considerations: str | None = Field(None, max_length=20_000)
    how_to_use: str | None = Field(None, max_length=20_000, description="Code or instructions to run the model.")
    citation: str | None = Field(None, max_length=20_000, description="BibTeX.")
    contact: str | None = Field(None, max_length=2_000)

    @field_validator("languages", "base_model", "datasets", "tags", mode="before")
    @classmethod
    def one_or_many(cls, value):
        """A single string or a comma-separated one is a list of one or more."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("*", mode="after")
    @classmethod
    def empty_is_none(cls, value):
        return None if value == "" else value


def parse_answers(data, source: str) -> CardAnswers:
    """Answers from a parsed mapping; CardError naming the field that is wrong."""
    if data is None:
        return CardAnswers()
    if not isinstance(data, dict):
        raise CardError(f"{source}: answers must be a mapping of field names to values")
    try:
        return CardAnswers.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'answers'}: {e['msg']}" for e in error.errors())
        raise CardError(f"{source}: {problems}") from None


def load_answers_text(text: str, source: str) -> CardAnswers:
    """Answers from YAML or JSON text (JSON is tried first when the source ends in .json)."""
    if len(text.encode()) > MAX_ANSWERS_BYTES:
        raise CardError(f"{source}: over the {MAX_ANSWERS_BYTES:,}-byte limit for an answers file")
    if source.endswith(".json"):
        try:
            return parse_answers(json.loads(text), source)
        except json.JSONDecodeError as error:
            raise CardError(f"{source} is not valid JSON: {error.msg} at line {error.lineno}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise CardError(f"{source} is not valid YAML: {getattr(error, 'problem', None) or error}{where}") from None
    return parse_answers(data, source)


def load_answers_file(path: str | Path) -> CardAnswers:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_ANSWERS_BYTES:
            raise CardError(f"{path}: over the {MAX_ANSWERS_BYTES:,}-byte limit for an answers file")
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CardError(f"{path}: cannot read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise CardError(f"{path}: not UTF-8 text") from None
    return load_answers_text(text, str(path))
