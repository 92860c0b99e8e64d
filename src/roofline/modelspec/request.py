"""The model part of every tool's request: a named model or a pasted config.json, exactly one of them."""

from pydantic import BaseModel, ConfigDict, Field, model_validator


class ModelSource(BaseModel):
    """Base of the tools' requests (extra fields are refused)."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(
        None, description="A shipped model id (e.g. meta-llama/Llama-3.1-8B), a Hub id, or (CLI only) a path."
    )
    config: dict | None = Field(None, description="A Hugging Face config.json, pasted, instead of `model`.")

    @model_validator(mode="after")
    def one_model(self):
        if (self.model is None) == (self.config is None):
            raise ValueError("give exactly one of `model` (an id or path) and `config` (a config.json object)")
        return self
