"""Activation memory of a training step: the tensors autograd saves for backward, per layer and per token,
counted tensor by tensor as PyTorch keeps them (one storage counted once), for the architecture at hand.

Per token and layer (a = bytes of the activation dtype, h hidden, i MLP width, n_h/n_kv heads, d head dim,
S sequence length, m the dropout-mask bytes per element):
- RMSNorm (Llama): the fp32 copy of the input 4h, the fp32 rstd 4, the normalised tensor cast back a·h, and the
  weighted output a·h (saved by the next linear); Gemma's norm keeps the fp32 product 4h instead of the cast;
  LayerNorm (GPT-2): input a·h, mean and rstd 8, output a·h.
- Attention, SDPA/flash: q a·n_h·d, k and v a·n_kv·d each (GQA kept unrepeated when no mask is needed), the output
  a·n_h·d and the log-sum-exp 4·n_h; a fused qkv projection keeps its whole output alive through the v view.
- Attention, eager: q, the repeated k and v, and the output copy (a·n_h·d each), plus the S×S matrices: the
  softmax probabilities (fp32 in the Llama family, then a cast copy), a soft-cap's tanh, the dropout mask and
  output, each n_h·S per token.
- MLP: gated (SwiGLU/GeGLU) 4·a·i (gate, up, activation, product); GPT-2's Python GELU 5·a·i; plain 2·a·i;
  MoE: per routed copy of a token (top-k) 2·a·h + 4·a·i_e, and the router's fp32 softmax 4·E.
- Dropout: a mask of m bytes per element wherever dropout runs (m = 1 on CUDA, PyTorch's native_dropout keeps a
  bool mask; on CPU the scaled noise at the input's dtype).
Korthikanti et al. (2022), "Reducing Activation Recomputation in Large Transformer Models", give 34·s·b·h +
5·a·s²·b for GPT-3 in fp16; these counts re-derive that table for today's blocks.
"""

from dataclasses import dataclass

from roofline.modelspec import ModelSpec
from roofline.vram.traits import Traits

FP32 = 4
INDEX = 8  # int64 token ids and routing indices
MLP_ITEMS = {"MLP", "routed experts", "router softmax and routing", "shared experts"}


@dataclass(frozen=True)
class KernelRules:
    """How the device's kernels save what they save. CUDA is what the calculator answers for; CPU is what the
    FakeTensor ground truth traces, so tests compare like with like."""

    name: str
    dropout_mask_bytes: int | None  # bytes per element of a dropout mask; None: the input's dtype (CPU noise)
    sdpa_dropout_math: bool  # SDPA with attention dropout falls back to the math kernel (S×S saved)
    sdpa_unequal_dims_math: bool  # SDPA with q/k and v head dims differing (MLA) runs the math kernel in fp32


CUDA = KernelRules("cuda", 1, False, False)
CPU = KernelRules("cpu", None, True, True)


@dataclass(frozen=True)
class Item:
    """One group of saved tensors: bytes per token, and whether tensor parallelism splits it (head- and MLP-width
    tensors) or only sequence parallelism does (hidden-width ones)."""

    name: str
    bytes_per_token: float
    tp_split: bool


def _norm(t: Traits, width: int, a: int, feeds_linear: bool, groups: int = 1) -> float:
    """A norm over `groups` vectors of total `width` per token: a pre-norm whose output feeds a linear (saved
    by it), or one whose output goes on (into the residual, or into the rotary embedding for q/k norms)."""
    out = a * width if feeds_linear else 0
    if t.norm == "layer":
        return a * width + 2 * FP32 * groups + out
    if t.norm == "rms_gemma":
        return FP32 * width + FP32 * groups + FP32 * width + out  # fp32 copy, rstd, fp32 weighted product
    return FP32 * width + FP32 * groups + a * width + out  # fp32 copy, rstd, normalised cast back


def _mask_bytes(rules: KernelRules, a: int) -> int:
    return a if rules.dropout_mask_bytes is None else rules.dropout_mask_bytes


def attention_items(
    spec: ModelSpec, t: Traits, a: int, seq: int, eager: bool, rules: KernelRules, dropout: bool
) -> list[Item]:
    """Saved tensors of one attention block for one token (the S×S terms scale with `seq`)."""
    nh, nkv, d, dv = spec.n_heads, spec.n_kv_heads, spec.head_dim, spec.v_head_dim
    items = []
    if t.qk_norm:
        items.append(Item("q and k norms", _norm(t, nh * d, a, False, nh) + _norm(t, nkv * d, a, False, nkv), True))
    if spec.mla is not None:  # DeepSeek MLA: norms on the low-rank latents, then per-head q and k of width
        m = spec.mla  # nope + rope and v of width v_head_dim
        latents = _norm(t, m.kv_lora_rank, a, True) + (_norm(t, m.q_lora_rank, a, True) if m.q_lora_rank else 0)
        items.append(Item("MLA latent norms", latents, False))
        d, dv, nkv = m.qk_nope_head_dim + m.qk_rope_head_dim, m.v_head_dim, nh
        if not eager and rules.sdpa_unequal_dims_math and d != dv:
            scores = Item(f"score matrix ({seq} keys per query)", FP32 * nh * seq, True)
            return [*items, Item("q, k, v in fp32 (math SDPA), output", FP32 * nh * (2 * d + dv) + a * nh * dv, True),
                    scores]  # fmt: skip
    p_attn = t.dropout_attn if dropout else 0.0
    windowed = any(w is not None and seq >= w for w in spec.attention_windows)
    math_sdpa = not eager and p_attn > 0 and rules.sdpa_dropout_math
    if eager or math_sdpa:
        scores = nh * seq
        probs = scores * (FP32 + (a if a != FP32 else 0)) if t.softmax_fp32 and eager else scores * a
        if t.attn_softcap:
            probs += scores * a
        if p_attn > 0:
            probs += scores * (_mask_bytes(rules, a) + a)
        return [
            *items,
            Item("q, repeated k and v, output", a * (2 * nh * d + 2 * nh * dv), True),
            Item(f"score matrix ({seq} keys per query)", probs, True),
        ]
    kv_heads = nh if windowed else nkv  # a sliding-window mask disables SDPA's GQA path: k and v repeated
    q, k, v = nh * d, kv_heads * d, kv_heads * dv
    if t.fused_qkv:
        kept = nh * d + 2 * nkv * d + (q + k if t.rope else 0)  # v is a view of the fused output
        kept += 2 * nh * d if windowed and nkv < nh else 0
    else:
        kept = q + k + v
    return [
        *items,
        Item("q, k, v, output", a * (kept + nh * dv), True),
        Item("softmax log-sum-exp", FP32 * nh, True),
    ]


def mlp_items(spec: ModelSpec, t: Traits, a: int, sparse: bool) -> list[Item]:
    if sparse and spec.moe is not None:
        m = spec.moe
        router = FP32 * (m.n_routed_experts + 1 + 2 * m.top_k) + 4 * INDEX * m.top_k
        items = [
            Item("router softmax and routing", router + (FP32 * spec.hidden if t.router_fp32 else 0), True),
            Item("routed experts", a * m.top_k * (2 * spec.hidden + 4 * m.expert_intermediate), True),
        ]  # fmt: skip
        if m.shared_intermediate:
            items.append(Item("shared experts", a * 4 * m.shared_intermediate, True))
        return items
    width = {"glu": 4, "gelu_new": 5, "plain": 2}[t.mlp_act]
    return [Item("MLP", a * width * spec.intermediate, True)]


def layer_items(
    spec: ModelSpec, t: Traits, a: int, seq: int, eager: bool, rules: KernelRules, dropout: bool, sparse: bool
) -> list[Item]:
    """Everything one decoder layer saves per token."""
    h = spec.hidden
    norms = 2 * _norm(t, h, a, True) + (2 * _norm(t, h, a, False) if t.post_norms else 0)
    items = [Item("norms", norms, False)]
    items += attention_items(spec, t, a, seq, eager, rules, dropout)
    items += mlp_items(spec, t, a, sparse)
    if dropout and t.dropout_hidden > 0:
        items.append(Item("residual dropout masks", 2 * h * _mask_bytes(rules, a), False))
    return [item for item in items if item.bytes_per_token]


def head_items(spec: ModelSpec, t: Traits, a: int, rules: KernelRules, dropout: bool) -> list[Item]:
    """Saved tensors outside the layers, per token: the final norm, token ids and labels, embedding dropout."""
    items = [
        Item("final norm", _norm(t, spec.hidden, a, True), False),
        Item("token ids and labels", 2 * INDEX, False),
    ]
    if dropout and t.dropout_hidden > 0:
        items.append(Item("embedding dropout mask", spec.hidden * _mask_bytes(rules, a), False))
    return items


def loss_bytes_per_token(spec: ModelSpec, t: Traits, a: int) -> tuple[float, float]:
    """(forward, backward) peak bytes per token of the logits and the loss. Hugging Face's loss upcasts the
    logits to fp32 and cross-entropy saves the fp32 log-softmax (4V). Forward: the logits a·V, their fp32 copy
    (when a < 4) and the log-softmax. Backward starts with the log-softmax, the gradient of the NLL (4V) and the
    gradient through the log-softmax (4V): 12V; Gemma 2's logit soft-capping keeps its tanh output (a·V)."""
    v = spec.vocab
    cap = a * v if t.final_softcap else 0
    forward = a * v + (FP32 * v if a != FP32 else 0) + FP32 * v + cap
    backward = 3 * FP32 * v + cap
    return forward, backward
