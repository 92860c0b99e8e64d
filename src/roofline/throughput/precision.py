"""Storage formats: bytes per weight (quantisation scales and zero-points included) and per KV element.

Weight formats and their metadata (each is an assumption stated in every estimate):
- bf16, fp16: 2 bytes, no metadata.
- fp8 (E4M3): 1 byte, one fp32 scale per output channel (as FP8 checkpoints from llm-compressor and
  TensorRT Model Optimizer commonly store them): 4 bytes per row.
- int8 (weight-only, per-channel): 1 byte, one fp16 scale per output channel: 2 bytes per row.
- int4 (GPTQ/AWQ style): 0.5 byte, and per group of 128 weights one fp16 scale and one packed 4-bit zero point:
  (2 + 0.5) / 128 bytes per weight.
Embeddings, norms, routers and the output projection stay at bf16, as these tools usually leave them.
"""

from dataclasses import dataclass

INT4_GROUP = 128


@dataclass(frozen=True)
class WeightFormat:
    name: str
    bytes_per_weight: float  # the weights themselves
    bytes_per_row: float  # per-output-channel metadata (scales)
    bytes_per_group: float  # per-group metadata (scales, zero points)
    group: int
    compute_dtype: str  # the matmul dtype the format runs at
    note: str

    def matrix_bytes(self, rows: int, cols: int) -> float:
        """Bytes of one rows x cols matrix stored in this format."""
        groups = rows * cols / self.group if self.group else 0
        return rows * cols * self.bytes_per_weight + rows * self.bytes_per_row + groups * self.bytes_per_group


WEIGHT_FORMATS = {
    "bf16": WeightFormat("bf16", 2, 0, 0, 0, "bf16", "bf16 weights, no quantisation metadata"),
    "fp16": WeightFormat("fp16", 2, 0, 0, 0, "fp16", "fp16 weights, no quantisation metadata"),
    "fp8": WeightFormat(
        "fp8", 1, 4, 0, 0, "fp8", "fp8 (E4M3) weights with an fp32 scale per output channel; fp8 matmuls"
    ),
    "int8": WeightFormat(
        "int8", 1, 2, 0, 0, "bf16", "int8 weight-only with an fp16 scale per output channel; bf16 matmuls"
    ),
    "int4": WeightFormat(
        "int4",
        0.5,
        0,
        2.5,
        INT4_GROUP,
        "bf16",
        f"int4 weight-only (GPTQ/AWQ style), per {INT4_GROUP} weights an fp16 scale and a 4-bit zero point; "
        "bf16 matmuls",
    ),  # fmt: skip
}
KV_BYTES = {"bf16": 2, "fp16": 2, "fp8": 1, "int8": 1}


class UnknownFormat(ValueError):
    pass


def weight_format(name: str) -> WeightFormat:
    try:
        return WEIGHT_FORMATS[name.lower()]
    except KeyError:
        raise UnknownFormat(f"unknown weight format {name!r}; use one of {', '.join(WEIGHT_FORMATS)}") from None


def kv_bytes_per_element(name: str) -> int:
    try:
        return KV_BYTES[name.lower()]
    except KeyError:
        raise UnknownFormat(f"unknown KV-cache dtype {name!r}; use one of {', '.join(KV_BYTES)}") from None
