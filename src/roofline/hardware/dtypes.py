"""The dtypes the catalog records dense peaks for, and the other spellings of each (PyTorch, JAX, NumPy, prose).

Canonical names: fp32, tf32, bf16, fp16, fp8, int8 (integer ops/s), fp4. Both fp8 formats (E4M3 and E5M2) run
at the same tensor-core rate on every accelerator in the catalog, so they share one entry; likewise the fp4
formats (NVFP4, MXFP4).
"""

DTYPES = ("fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp4")

_SPELLINGS = {
    "fp32": ("float32", "float", "single", "f32"),
    "tf32": ("tensorfloat32", "tensorfloat-32", "tensor-float-32"),
    "bf16": ("bfloat16",),
    "fp16": ("float16", "half", "f16"),
    "fp8": (
        "float8", "fp8-e4m3", "fp8-e5m2", "e4m3", "e5m2", "float8-e4m3fn", "float8-e4m3fnuz", "float8-e5m2",
        "float8-e5m2fnuz",
    ),
    "int8": ("i8", "s8"),
    "fp4": ("float4", "nvfp4", "mxfp4", "fp4-e2m1", "e2m1", "float4-e2m1fn-x2"),
}  # fmt: skip
DTYPE_ALIASES = {name: dtype for dtype in DTYPES for name in (dtype, *_SPELLINGS[dtype])}
_MODULE_PREFIXES = ("torch.", "jax.numpy.", "jnp.", "numpy.", "np.")


def _normalize(name: str) -> str:
    key = str(name).strip().lower()
    for prefix in _MODULE_PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return key.replace("_", "-").replace(" ", "-")


def canonical_dtype(name: str) -> str | None:
    """The catalog's name for `name` ("bfloat16" -> "bf16", "torch.float8_e4m3fn" -> "fp8"), or None."""
    return DTYPE_ALIASES.get(_normalize(name))
