"""The six tools as the site lists them: name, one-line description (from the landing page), CLI command."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tool:
    slug: str
    name: str
    tagline: str
    command: str
    available: bool = False  # True once its engine, CLI, API and page exist; until then its page says so.


TOOLS: tuple[Tool, ...] = (
    Tool(
        "attention",
        "Attention inspector",
        "Inspect attention patterns layer-by-layer for any Hugging Face model. Click any head to see its "
        "causal mask, induction behavior, and sink tokens.",
        "roofline attention",
        available=True,
    ),
    Tool(
        "throughput",
        "Throughput estimator",
        "Estimate tokens/sec for any model, precision, batch size, and GPU combination — memory-bound "
        "roofline only, no kernel-quality wishful thinking.",
        "roofline throughput",
        available=True,
    ),
    Tool(
        "vram",
        "VRAM calculator",
        "Per-GPU VRAM breakdown for training and inference — params, gradients, optimizer state, "
        "activations, KV cache, with ZeRO/FSDP sharding.",
        "roofline vram",
        available=True,
    ),
    Tool(
        "eval",
        "Eval scorecard",
        "Run a small set of evaluations against any inference endpoint and get back a structured scorecard "
        "— quality, latency, cost, and refusal rate side by side.",
        "roofline eval",
        available=True,
    ),
    Tool(
        "card",
        "Model card generator",
        "Generate a structured model card from a checkpoint and an evaluation log — covers intended use, "
        "training data summary, evals, limitations, and ethics.",
        "roofline card",
        available=True,
    ),
    Tool(
        "kernels",
        "Kernel benchmark",
        "Side-by-side timings for Triton, CUDA, and PyTorch implementations of the same kernel — attention, "
        "layernorm, GEMM, custom — across shapes and dtypes.",
        "roofline bench",
        available=True,
    ),
)

TOOLS_BY_SLUG = {tool.slug: tool for tool in TOOLS}
