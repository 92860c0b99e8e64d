"""The eval run's request: the same JSON in the CLI, the API and the page. The API key is never part of it."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ApiName = Literal["openai-chat", "openai-completions", "anthropic"]
SHIPPED_SUITES = ("arithmetic", "instructions", "mlinfra", "refusal")


class EvalRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    endpoint: str = Field(..., min_length=8, max_length=2000, description="Base URL, e.g. http://host:8000/v1.")
    model: str = Field(..., min_length=1, max_length=300, description="Model name sent to the endpoint.")
    api: ApiName = Field("openai-chat", description="Wire protocol of the endpoint.")
    suites: list[str] = Field(
        default_factory=lambda: list(SHIPPED_SUITES),
        description="Shipped suite names, or (CLI only) paths to user .jsonl suites.",
    )
    limit: int | None = Field(None, ge=1, le=100_000, description="At most this many items from each suite.")
    stream: bool = Field(True, description="Stream responses (SSE); needed for TTFT and inter-token latency.")
    concurrency: int = Field(8, ge=1, le=512, description="Requests in flight at once.")
    rate_per_s: float | None = Field(None, gt=0, le=100_000, description="At most this many request starts per s.")
    timeout_s: float = Field(60.0, gt=0, le=3600, description="Per-attempt timeout, seconds.")
    max_retries: int = Field(3, ge=0, le=10, description="Retries after a 429, 5xx, timeout or connection error.")
    max_tokens: int = Field(512, ge=1, le=100_000, description="Output token cap per request.")
    temperature: float = Field(0.0, ge=0, le=2)
    seed: int = Field(0, ge=0, description="Seed of the generated suites, the bootstrap and (sent) sampling.")
    price_input_per_mtok: float | None = Field(None, ge=0, description="USD per 1e6 input tokens (overrides table).")
    price_output_per_mtok: float | None = Field(None, ge=0, description="USD per 1e6 output tokens.")
    price_model: str | None = Field(None, description="models.dev id `provider/model` to price by, if not `model`.")
    gpu_hour_usd: float | None = Field(None, ge=0, description="Self-hosted: USD per GPU-hour.")
    gpus: int = Field(1, ge=1, le=100_000, description="Self-hosted: GPUs serving the endpoint.")
    tokenizer: str | None = Field(None, description="HF tokenizer to count tokens when the server sends no usage.")
    judge_endpoint: str | None = Field(None, description="Optional OpenAI-chat endpoint that classes refusals.")
    judge_model: str | None = Field(None, description="Model name at the judge endpoint.")
