"""The attention inspector's request: the same JSON in the CLI, the API, the page and article embeds."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Stack = Literal["self", "encoder", "decoder", "cross"]


class HeadRef(BaseModel):
    """One attention head: its stack (None: the model's first), layer and head, both 0-based."""

    model_config = ConfigDict(extra="forbid")

    stack: Stack | None = None
    layer: int = Field(..., ge=0)
    head: int = Field(..., ge=0)


class AttentionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = Field(..., min_length=1, description="A Hugging Face Hub id or a local model directory.")
    text: str | None = Field(None, description="The text to inspect; leave out (or set `probe`) to inspect the probe.")
    probe: bool = Field(
        False, description="Inspect the repeated random-token probe (BOS + block + the same block) instead of text."
    )
    probe_block: int = Field(32, ge=4, le=1024, description="Tokens in the probe's random block (it is repeated).")
    seed: int = Field(0, ge=0, description="Seed of the probe's random tokens.")
    max_tokens: int = Field(4096, ge=1, le=65536, description="Refuse texts longer than this many tokens.")
    heads: list[HeadRef] = Field(
        default_factory=list, max_length=64, description="Heads whose full T×T matrix the result carries."
    )
    detail_size: int = Field(
        0, ge=0, le=2048,
        description="Keep every head's matrix, max-pooled to at most this many rows and columns (0: none).",
    )  # fmt: skip
    thumbnail_size: int = Field(32, ge=4, le=128, description="Rows and columns of each head's thumbnail.")
    dtype: Literal["float32", "bfloat16", "float16"] = Field("float32", description="Weights' dtype once loaded.")
    device: str = Field("auto", description="torch device: auto (CUDA when present, else CPU), cpu, cuda, cuda:1...")
    revision: str | None = Field(None, description="A Hub revision (branch, tag or commit).")
    trust_remote_code: bool = Field(
        False, description="Run the model repository's own Python code. CLI only, behind an explicit flag."
    )

    @model_validator(mode="after")
    def text_or_probe(self) -> "AttentionRequest":
        if self.text is not None and not self.text.strip() and not self.probe:
            raise ValueError("the text is empty: give some text, or ask for the probe")
        if self.text is None and not self.probe:
            self.probe = True
        return self
