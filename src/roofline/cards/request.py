"""The card generator's request: the same JSON in the CLI, the API and the page."""

import base64
import binascii

from pydantic import BaseModel, ConfigDict, Field, model_validator

from roofline.cards.answers import CardAnswers
from roofline.cards.errors import CardError
from roofline.cards.serving import DEFAULT_GPUS


class EvalLogInput(BaseModel):
    """One eval log: a path (CLI only), or its content as text (JSON) or base64 (an inspect .eval archive)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., max_length=255, description="File name, shown as the source of its metrics.")
    path: str | None = Field(None, description="CLI only: the log's path.")
    content: str | None = Field(None, description="The log's JSON text.")
    content_base64: str | None = Field(None, description="The log's bytes in base64 (for .eval zip archives).")

    @model_validator(mode="after")
    def one_source(self) -> "EvalLogInput":
        if sum(x is not None for x in (self.path, self.content, self.content_base64)) != 1:
            raise ValueError("give exactly one of path, content and content_base64")
        return self

    def data(self) -> bytes:
        if self.content is not None:
            return self.content.encode()
        try:
            return base64.b64decode(self.content_base64 or "", validate=True)
        except binascii.Error:
            raise CardError(f"{self.name}: content_base64 is not valid base64") from None


class CardRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    checkpoint: str | None = Field(
        None, description="A Hugging Face Hub id, or (CLI only) a checkpoint directory or .safetensors/.gguf/.bin/.pt."
    )
    files: dict[str, str] = Field(
        default_factory=dict,
        description="Metadata files by name (config.json, tokenizer_config.json, generation_config.json, "
        "model.safetensors.index.json, README.md, chat_template.jinja), instead of a checkpoint.",
    )
    eval_logs: list[EvalLogInput] = Field(default_factory=list, max_length=50)
    answers: CardAnswers = Field(default_factory=CardAnswers)
    hash_files: bool = Field(True, description="SHA-256 of every local file (reads every byte of the weights).")
    gpus: list[str] = Field(default_factory=lambda: list(DEFAULT_GPUS), max_length=8, description="Serving GPUs.")

    @model_validator(mode="after")
    def one_checkpoint(self) -> "CardRequest":
        if self.checkpoint is not None and self.files:
            raise ValueError("give either `checkpoint` or `files`, not both")
        return self
