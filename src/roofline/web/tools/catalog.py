"""The six tools as the site lists them: name, one-line description (from the landing page), CLI command."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Tool:
    slug: str
    name: str
    tagline: str
    command: str

    def get_absolute_url(self) -> str:
        return reverse(f"tools:{self.slug}")  # each tool's page is named after its slug in tools/urls.py


TOOLS: tuple[Tool, ...] = (
    Tool(
        "attention",
        "Attention inspector",
        "Inspect attention patterns layer-by-layer for any Hugging Face model. Click any head to see its "
        "causal mask, induction behavior, and sink tokens.",
        "roofline attention",
    ),
    Tool(
        "throughput",
        "Throughput estimator",
        "Estimate tokens/sec for any model, precision, batch size, and GPU combination — memory-bound "
        "roofline only, no kernel-quality wishful thinking.",
        "roofline throughput",
    ),
    Tool(
        "vram",
        "VRAM calculator",
        "Per-GPU VRAM breakdown for training and inference — params, gradients, optimizer state, "
        "activations, KV cache, with ZeRO/FSDP sharding.",
        "roofline vram",
    ),
    Tool(
        "eval",
        "Eval scorecard",
        "Run a small set of evaluations against any inference endpoint and get back a structured scorecard "
        "— quality, latency, cost, and refusal rate side by side.",
        "roofline eval",
    ),
    Tool(
        "card",
        "Model card generator",
        "Generate a structured model card from a checkpoint and an evaluation log — covers intended use, "
        "training data summary, evals, limitations, and ethics.",
        "roofline card",
    ),
    Tool(
        "kernels",
        "Kernel benchmark",
        "Side-by-side timings for Triton, CUDA, and PyTorch implementations of the same kernel — attention, "
        "layernorm, GEMM, custom — across shapes and dtypes.",
        "roofline bench",
    ),
)

TOOLS_BY_SLUG = {tool.slug: tool for tool in TOOLS}
