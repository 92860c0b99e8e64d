"""The accelerator catalog: memory, bandwidth, dense peak FLOP/s per dtype, interconnect and cache of each device,
every figure from the vendor's datasheet or whitepaper with its source (catalog.json, docs/hardware.md).

    h100 = get_accelerator("h100")          # id, alias, any case/spacing: "H100 SXM", "h100_sxm5"
    h100.peak_flops("bfloat16")             # 9.894e14 dense FLOP/s
    h100.ridge_point("bf16")                # ~295 FLOP/byte
    mine = load_accelerator_file("my-gpu.json")
"""

from roofline.hardware.accelerator import Accelerator
from roofline.hardware.catalog import catalog_version, get_accelerator, list_accelerators
from roofline.hardware.custom import load_accelerator_file
from roofline.hardware.dtypes import DTYPE_ALIASES, DTYPES, canonical_dtype
from roofline.hardware.errors import InvalidAcceleratorFile, UnknownAccelerator, UnsupportedDtype

__all__ = [
    "DTYPES",
    "DTYPE_ALIASES",
    "Accelerator",
    "InvalidAcceleratorFile",
    "UnknownAccelerator",
    "UnsupportedDtype",
    "canonical_dtype",
    "catalog_version",
    "get_accelerator",
    "list_accelerators",
    "load_accelerator_file",
]
