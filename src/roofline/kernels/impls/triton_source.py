"""Our Triton kernels: fused softmax, LayerNorm/RMSNorm, a tiled GEMM and a FlashAttention-style forward.

Imported only through `triton_kernels.load_triton()`; on a machine without a CUDA device they run under the
interpreter (TRITON_INTERPRET=1). Reductions and dot products accumulate in float32. UPCAST (set only under the
interpreter, for bfloat16) feeds tl.dot float32 copies of its operands: Triton 3.9's interpreter returns wrong
values for tl.dot on bfloat16 operands (bf16 × bf16 products are exact in float32, so the result is unchanged).
"""

import triton
import triton.language as tl


@triton.jit
def softmax_kernel(x_ptr, y_ptr, cols, x_stride, y_stride, BLOCK: tl.constexpr):
    """One program per row: the whole row in registers, max-subtracted exp, one pass over memory."""
    row = tl.program_id(0)
    offsets = tl.arange(0, BLOCK)
    mask = offsets < cols
    x = tl.load(x_ptr + row * x_stride + offsets, mask=mask, other=-float("inf")).to(tl.float32)
    exp = tl.exp(x - tl.max(x, axis=0))
    exp = tl.where(mask, exp, 0.0)
    y = exp / tl.sum(exp, axis=0)
    tl.store(y_ptr + row * y_stride + offsets, y.to(y_ptr.dtype.element_ty), mask=mask)


@triton.jit
def norm_kernel(x_ptr, w_ptr, b_ptr, y_ptr, cols, x_stride, y_stride, eps, RMS: tl.constexpr, BLOCK: tl.constexpr):
    """One program per row: LayerNorm (RMS=False, with bias) or RMSNorm (RMS=True, b_ptr unused)."""
    row = tl.program_id(0)
    offsets = tl.arange(0, BLOCK)
    mask = offsets < cols
    x = tl.load(x_ptr + row * x_stride + offsets, mask=mask, other=0.0).to(tl.float32)
    w = tl.load(w_ptr + offsets, mask=mask, other=0.0).to(tl.float32)
    if RMS:
        y = x * (1.0 / tl.sqrt(tl.sum(x * x, axis=0) / cols + eps)) * w
    else:
        mean = tl.sum(x, axis=0) / cols
        centred = tl.where(mask, x - mean, 0.0)
        rstd = 1.0 / tl.sqrt(tl.sum(centred * centred, axis=0) / cols + eps)
        b = tl.load(b_ptr + offsets, mask=mask, other=0.0).to(tl.float32)
        y = centred * rstd * w + b
    tl.store(y_ptr + row * y_stride + offsets, y.to(y_ptr.dtype.element_ty), mask=mask)


@triton.jit
def gemm_kernel(
    a_ptr, b_ptr, c_ptr, M, N, K, stride_am, stride_ak, stride_bk, stride_bn, stride_cm, stride_cn,
    BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr, GROUP_M: tl.constexpr,
    IEEE: tl.constexpr, UPCAST: tl.constexpr,
):  # fmt: skip
    """C tile (BLOCK_M × BLOCK_N) per program, K in BLOCK_K steps, float32 accumulator; programs grouped along
    M for L2 reuse (the Triton matmul tutorial's ordering). IEEE=True keeps float32 inputs out of TF32."""
    pid = tl.program_id(0)
    tiles_m, tiles_n = tl.cdiv(M, BLOCK_M), tl.cdiv(N, BLOCK_N)
    group_size = GROUP_M * tiles_n
    first_m = (pid // group_size) * GROUP_M
    group_m = min(tiles_m - first_m, GROUP_M)
    pid_m = first_m + (pid % group_size) % group_m
    pid_n = (pid % group_size) // group_m
    rm = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    rn = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    rk = tl.arange(0, BLOCK_K)
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        ks = k0 + rk
        a = tl.load(a_ptr + rm[:, None] * stride_am + ks[None, :] * stride_ak,
                    mask=(rm[:, None] < M) & (ks[None, :] < K), other=0.0)  # fmt: skip
        b = tl.load(b_ptr + ks[:, None] * stride_bk + rn[None, :] * stride_bn,
                    mask=(ks[:, None] < K) & (rn[None, :] < N), other=0.0)  # fmt: skip
        if UPCAST:
            a, b = a.to(tl.float32), b.to(tl.float32)
        if IEEE:
            acc = tl.dot(a, b, acc, input_precision="ieee")
        else:
            acc = tl.dot(a, b, acc)
    c_mask = (rm[:, None] < M) & (rn[None, :] < N)
    tl.store(c_ptr + rm[:, None] * stride_cm + rn[None, :] * stride_cn, acc.to(c_ptr.dtype.element_ty), mask=c_mask)


@triton.jit
def flash_attention_kernel(
    q_ptr, k_ptr, v_ptr, o_ptr, seq, head_dim, scale, stride_bh, stride_s,
    CAUSAL: tl.constexpr, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_D: tl.constexpr,
    IEEE: tl.constexpr, UPCAST: tl.constexpr,
):  # fmt: skip
    """FlashAttention forward (Dao et al., 2022, Algorithm 1 with the v2 loop order): one program per
    BLOCK_M queries of one (batch, head); K and V streamed in BLOCK_N tiles with an online softmax, so the
    s × s score matrix never reaches memory. Q, K, V, O are contiguous (batch·heads, seq, head_dim)."""
    start_m = tl.program_id(0) * BLOCK_M
    base = tl.program_id(1).to(tl.int64) * stride_bh
    rm = start_m + tl.arange(0, BLOCK_M)
    rn = tl.arange(0, BLOCK_N)
    rd = tl.arange(0, BLOCK_D)
    d_mask = rd[None, :] < head_dim
    q = tl.load(q_ptr + base + rm[:, None] * stride_s + rd[None, :], mask=(rm[:, None] < seq) & d_mask, other=0.0)
    if UPCAST:
        q = q.to(tl.float32)
    m_i = tl.full((BLOCK_M,), -float("inf"), dtype=tl.float32)
    l_i = tl.zeros((BLOCK_M,), dtype=tl.float32)
    acc = tl.zeros((BLOCK_M, BLOCK_D), dtype=tl.float32)
    end_n = seq
    if CAUSAL:  # keys after the block's last query are all masked: skip their tiles
        end_n = tl.minimum(seq, start_m + BLOCK_M)
    for start_n in range(0, end_n, BLOCK_N):
        cols = start_n + rn
        kv_mask = (cols[:, None] < seq) & d_mask
        k = tl.load(k_ptr + base + cols[:, None] * stride_s + rd[None, :], mask=kv_mask, other=0.0)
        if UPCAST:
            k = k.to(tl.float32)
        if IEEE:
            scores = tl.dot(q, tl.trans(k), input_precision="ieee") * scale
        else:
            scores = tl.dot(q, tl.trans(k)) * scale
        keep = cols[None, :] < seq
        if CAUSAL:
            keep = keep & (cols[None, :] <= rm[:, None])
        scores = tl.where(keep, scores, -float("inf"))
        m_new = tl.maximum(m_i, tl.max(scores, axis=1))
        p = tl.exp(scores - m_new[:, None])
        alpha = tl.exp(m_i - m_new)
        l_i = l_i * alpha + tl.sum(p, axis=1)
        v = tl.load(v_ptr + base + cols[:, None] * stride_s + rd[None, :], mask=kv_mask, other=0.0)
        if UPCAST:  # keep the rounding of P to the input dtype that the GPU path has
            v = v.to(tl.float32)
            p = p.to(o_ptr.dtype.element_ty).to(tl.float32)
        if IEEE:
            acc = acc * alpha[:, None] + tl.dot(p.to(v.dtype), v, input_precision="ieee")
        else:
            acc = acc * alpha[:, None] + tl.dot(p.to(v.dtype), v)
        m_i = m_new
    out = acc / l_i[:, None]
    tl.store(o_ptr + base + rm[:, None] * stride_s + rd[None, :], out.to(o_ptr.dtype.element_ty),
             mask=(rm[:, None] < seq) & d_mask)  # fmt: skip
