"""What a model family keeps for backward beyond its shape: norm kind, MLP activation, fused projections,
dropout and soft-capping. Read off each family's modelling code in transformers (5.x)."""

from dataclasses import dataclass

from roofline.modelspec import ModelSpec

GEMMA = {"gemma2", "gemma3_text", "gemma3"}
QK_NORM = {"qwen3", "qwen3_moe", "gemma3_text", "gemma3"}
FP32_ROUTER = {"deepseek_v2", "deepseek_v3"}


@dataclass(frozen=True)
class Traits:
    norm: str  # "rms" (Llama: fp32 upcast, weight applied after the cast back), "rms_gemma" (weight in fp32), "layer"
    post_norms: bool  # Gemma 2/3: extra norms on the attention and MLP outputs before the residual add
    mlp_act: str  # "glu" (SiLU/GELU-tanh gate, 4 saved tensors of width i), "gelu_new" (GPT-2's Python GELU), "plain"
    fused_qkv: bool  # one q/k/v projection whose output v stays a view of (Phi-3, GPT-2)
    rope: bool  # rotary embeddings: q and k are new tensors after the rotation
    softmax_fp32: bool  # eager attention computes the softmax in fp32 and casts back (Llama family)
    attn_softcap: bool  # Gemma 2: tanh soft-capping of the attention scores (eager only)
    final_softcap: bool  # Gemma 2: tanh soft-capping of the logits
    dropout_attn: float  # dropout on the attention probabilities
    dropout_hidden: float  # dropout on the embeddings and on each sub-block's output (GPT-2's resid/embd)
    qk_norm: bool = False  # Qwen3, Gemma 3: an RMSNorm over each head's q and k
    router_fp32: bool = False  # DeepSeek V2/V3: the router runs on an fp32 copy of the hidden state


def traits_of(spec: ModelSpec, config: dict) -> Traits:
    """The traits of `spec`'s family, with dropout and soft-capping read from its `config`."""
    config = config.get("text_config", config)
    arch = spec.architecture
    if arch == "gpt2":
        return Traits(
            norm="layer", post_norms=False, mlp_act="gelu_new", fused_qkv=True, rope=False, softmax_fp32=False,
            attn_softcap=False, final_softcap=False, dropout_attn=float(config.get("attn_pdrop", 0.1)),
            dropout_hidden=float(config.get("resid_pdrop", 0.1)),
        )  # fmt: skip
    gemma = arch in GEMMA
    return Traits(
        norm="rms_gemma" if gemma else "rms",
        post_norms=arch in {"gemma2", "gemma3_text", "gemma3"},
        mlp_act="glu" if spec.gated_mlp else "plain",
        fused_qkv=arch == "phi3",
        rope=True,
        softmax_fp32=True,
        attn_softcap=arch == "gemma2" and config.get("attn_logit_softcapping", 50.0) is not None,
        final_softcap=arch == "gemma2" and config.get("final_logit_softcapping", 30.0) is not None,
        dropout_attn=float(config.get("attention_dropout", 0.0) or 0.0),
        dropout_hidden=0.0,
        qk_norm=arch in QK_NORM,
        router_fp32=arch in FP32_ROUTER,
    )
