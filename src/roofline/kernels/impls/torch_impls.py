"""PyTorch implementations: eager (unfused ops as model code writes them), fused (one library call), and
torch.compile of the eager code. Each returns its output; the harness copies it into the poisoned buffer only
for the correctness check, never inside the timed call."""

import math

import torch
import torch.nn.functional as F

from roofline.kernels.kernel import Impl

LAYERNORM_EPS = 1e-5
RMSNORM_EPS = 1e-6


def softmax_eager(x, out=None):
    shifted = x - x.amax(dim=-1, keepdim=True)
    exp = shifted.exp()
    return exp / exp.sum(dim=-1, keepdim=True)


def layernorm_eager(x, weight, bias, out=None):
    h = x.float()  # as model code does: statistics in float32, result in the input dtype
    mean = h.mean(dim=-1, keepdim=True)
    var = (h - mean).pow(2).mean(dim=-1, keepdim=True)
    return ((h - mean) * torch.rsqrt(var + LAYERNORM_EPS) * weight.float() + bias.float()).to(x.dtype)


def rmsnorm_eager(x, weight, out=None):
    h = x.float()  # Llama's RMSNorm
    return (h * torch.rsqrt(h.pow(2).mean(dim=-1, keepdim=True) + RMSNORM_EPS) * weight.float()).to(x.dtype)


def gemm_eager(a, b, out=None):
    return a @ b


def _attention_eager(q, k, v, causal: bool):
    scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(q.shape[-1]))
    if causal:
        seq = q.shape[-2]
        mask = torch.ones(seq, seq, dtype=torch.bool, device=q.device).triu(1)
        scores = scores.masked_fill(mask, float("-inf"))
    return torch.softmax(scores.float(), dim=-1).to(q.dtype) @ v


def attention_eager(q, k, v, out=None):
    return _attention_eager(q, k, v, causal=False)


def attention_causal_eager(q, k, v, out=None):
    return _attention_eager(q, k, v, causal=True)


def softmax_fused(x, out=None):
    return torch.softmax(x, dim=-1)


def layernorm_fused(x, weight, bias, out=None):
    return F.layer_norm(x, (x.shape[-1],), weight, bias, LAYERNORM_EPS)


def rmsnorm_fused(x, weight, out=None):
    return F.rms_norm(x, (x.shape[-1],), weight, RMSNORM_EPS)


def attention_fused(q, k, v, out=None):
    return F.scaled_dot_product_attention(q, k, v)


def attention_causal_fused(q, k, v, out=None):
    return F.scaled_dot_product_attention(q, k, v, is_causal=True)


EAGER = {"softmax": softmax_eager, "layernorm": layernorm_eager, "rmsnorm": rmsnorm_eager, "gemm": gemm_eager,
         "attention": attention_eager, "attention-causal": attention_causal_eager}  # fmt: skip
FUSED = {"softmax": softmax_fused, "layernorm": layernorm_fused, "rmsnorm": rmsnorm_fused,
         "attention": attention_fused, "attention-causal": attention_causal_fused}  # fmt: skip


def eager_impl(kernel: str) -> Impl:
    return Impl("eager", "eager", "PyTorch eager: unfused tensor ops as model code writes them", lambda: EAGER[kernel])


def fused_impl(kernel: str, call: str) -> Impl:
    return Impl("fused", "fused", f"PyTorch fused library call: {call}", lambda: FUSED[kernel])


def compile_impl(kernel: str, of: str = "eager") -> Impl:
    def build():
        compiled = torch.compile(EAGER[kernel], dynamic=False)  # one graph per shape, as a fixed-shape model gets
        return lambda *inputs, out=None: compiled(*inputs)

    return Impl(
        "compile", "compile", f"torch.compile (inductor, default mode) of the {of} code", build, needs=("compiler",)
    )
