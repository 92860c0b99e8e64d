"""Eager attention computed in place, so a layer's forward holds one [B, H, Tq, Tk] tensor of weights.

transformers' eager attention functions allocate a new T × T tensor at each step (scores, × scaling, + mask,
softmax), so two or three of them are alive at once. `inplace_attention` does the same arithmetic (scores =
q·kᵀ × scaling, Gemma 2's tanh soft-capping, T5's position bias, the additive mask, softmax in float32, gpt-oss's
learned sink logits) on the one scores tensor, the softmax head by head. It is registered with transformers'
AttentionInterface as NAME; `choose_attention` switches a model to it only after checking, on a short input, that
every layer's weights and the model's output equal those of the model's own eager attention.
"""

from dataclasses import dataclass

import torch

NAME = "roofline_inplace"
CHECK_TOKENS = 32  # tokens of the short input the two implementations are compared on


def _softmax_head(scores: torch.Tensor, sink: torch.Tensor | None) -> None:
    """Replace one head's scores [Tq, Tk] by their row softmax (computed in float32, as eager attention upcasts),
    with a learned sink logit as an extra column that takes its share of the mass and is then dropped."""
    if sink is None:
        scores.copy_(torch.softmax(scores, dim=-1, dtype=torch.float32))
        return
    combined = torch.cat([scores, sink.to(scores.dtype).expand(scores.shape[0], 1)], dim=-1)
    combined -= combined.max(dim=-1, keepdim=True).values
    scores.copy_(torch.softmax(combined, dim=-1, dtype=combined.dtype)[:, :-1])


def inplace_attention(
    module, query, key, value, attention_mask, scaling=None, dropout=0.0, softcap=None, position_bias=None, **kwargs
) -> tuple[torch.Tensor, torch.Tensor]:
    """An AttentionInterface function: (attention output [B, Tq, H, D], weights [B, H, Tq, Tk])."""
    groups = query.shape[1] // key.shape[1]  # GQA/MQA: query head h reads key/value head h // groups (repeat_kv)
    if groups > 1:
        key, value = key.repeat_interleave(groups, dim=1), value.repeat_interleave(groups, dim=1)
    scores = torch.matmul(query, key.transpose(-1, -2))
    scores.mul_(query.shape[-1] ** -0.5 if scaling is None else scaling)
    if softcap is not None:
        scores.div_(softcap).tanh_().mul_(softcap)
    if position_bias is not None:
        scores.add_(position_bias)
    if attention_mask is not None:
        scores.add_(attention_mask)
    sinks = getattr(module, "sinks", None)
    for b in range(scores.shape[0]):
        for h in range(scores.shape[1]):
            _softmax_head(scores[b, h], None if sinks is None else sinks[h])
    weights = torch.nn.functional.dropout(scores, p=dropout, training=module.training, inplace=True)
    output = torch.matmul(weights.to(value.dtype), value)
    return output.transpose(1, 2).contiguous(), weights


def register() -> None:
    """Make NAME a valid `attn_implementation` (idempotent); its masks are eager attention's additive masks."""
    from transformers import AttentionInterface
    from transformers.masking_utils import ALL_MASK_ATTENTION_FUNCTIONS, AttentionMaskInterface, eager_mask

    AttentionInterface.register(NAME, inplace_attention)
    if NAME not in ALL_MASK_ATTENTION_FUNCTIONS:
        AttentionMaskInterface.register(NAME, eager_mask)


@dataclass(frozen=True)
class AttentionChoice:
    """Which attention the inspector runs a model with, and why: `implementation` is NAME or "eager";
    `difference` the largest difference found between the two on the check input (weights: |Δ|; output: |Δ| relative
    to its largest value), None if the check could not run."""

    implementation: str
    difference: float | None
    reason: str

    def to_dict(self) -> dict:
        return {"implementation": self.implementation, "difference": self.difference, "reason": self.reason}


def tolerance(dtype: torch.dtype) -> float:
    """Largest |Δ| accepted between in-place and eager weights or outputs: 1e-5 in float32 (the inspector's
    two-paths tolerance), 4 ulps at 1.0 in half precision."""
    return 1e-5 if dtype == torch.float32 else 4 * torch.finfo(dtype).eps


def _relative_difference(ours: torch.Tensor, eager: torch.Tensor) -> float:
    """max |ours − eager| ÷ max(1, max |eager|): absolute for weights (≤ 1), relative for large outputs."""
    ours, eager = ours.float(), eager.float()
    return float((ours - eager).abs().max() / eager.abs().max().clamp(min=1))


def _keep_eager(model, difference: float | None, reason: str) -> AttentionChoice:
    model.set_attn_implementation("eager")
    return AttentionChoice("eager", difference, reason)


def choose_attention(model, run) -> AttentionChoice:
    """Switch `model` to NAME if `run(model)` (a forward pass on a short input returning the tensors to compare:
    every layer's weights and the output) gives the same numbers both ways; otherwise leave it on eager."""
    register()
    dtype = next(model.parameters()).dtype
    with torch.no_grad():
        eager = run(model)
        try:
            model.set_attn_implementation(NAME)  # raises for a model class that takes no attention backends
            ours = run(model)
        except Exception as error:  # noqa: BLE001  any failure of ours means: keep the model's own eager
            return _keep_eager(model, None, f"in-place attention failed on this architecture ({error})")
    if len(ours) != len(eager) or any(a.shape != b.shape for a, b in zip(ours, eager, strict=True)):
        return _keep_eager(model, None, "in-place attention returned different tensors than eager")
    difference = max(_relative_difference(a, b) for a, b in zip(ours, eager, strict=True))
    if difference > tolerance(dtype):
        return _keep_eager(
            model, difference, f"in-place attention differs from eager by {difference:.2g} on this architecture"
        )
    agreement = "bit for bit" if difference == 0 else f"within {difference:.2g}"
    return AttentionChoice(
        NAME, difference,
        f"in-place eager attention: every layer's weights and the output equal the model's own eager attention "
        f"{agreement} on a {CHECK_TOKENS}-token check",
    )  # fmt: skip
