"""The header of a `.safetensors` file, read without touching the tensor data.

Format (https://github.com/huggingface/safetensors#format): 8 bytes little-endian unsigned N, then N bytes of
JSON: {"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets": [begin, end]}}, then the data,
offsets relative to its start. The header is capped at 100,000,000 bytes, the safetensors library's own limit,
so a file claiming a 10 GB header is refused before anything is allocated.
"""

import math
import struct
from dataclasses import dataclass
from pathlib import Path

from roofline.cards.errors import CardError
from roofline.cards.jsontext import json_object

MAX_HEADER_BYTES = 100_000_000
# bits per element of each dtype the format defines
DTYPE_BITS = {
    "BOOL": 8, "U8": 8, "I8": 8, "F8_E4M3": 8, "F8_E5M2": 8, "F8_E8M0": 8, "I16": 16, "U16": 16, "F16": 16,
    "BF16": 16, "I32": 32, "U32": 32, "F32": 32, "I64": 64, "U64": 64, "F64": 64, "F4": 4, "F6_E2M3": 6,
    "F6_E3M2": 6,
}  # fmt: skip


@dataclass(frozen=True)
class TensorEntry:
    dtype: str
    shape: tuple[int, ...]
    nbytes: int

    @property
    def numel(self) -> int:
        return math.prod(self.shape)


@dataclass(frozen=True)
class SafetensorsHeader:
    path: str
    file_bytes: int
    header_bytes: int
    tensors: dict[str, TensorEntry]
    metadata: dict[str, str]

    def params_by_dtype(self) -> dict[str, int]:
        """Stored elements per dtype (parameters, unless the checkpoint packs several into one element)."""
        counts: dict[str, int] = {}
        for tensor in self.tensors.values():
            counts[tensor.dtype] = counts.get(tensor.dtype, 0) + tensor.numel
        return counts


def read_safetensors_header(path: str | Path) -> SafetensorsHeader:
    """Parse and check the header of `path` (CardError if it is not a well-formed safetensors file)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            prefix = file.read(8)
            if len(prefix) < 8:
                raise CardError(f"{path.name}: {size} bytes, too short for a safetensors header (truncated?)")
            (length,) = struct.unpack("<Q", prefix)
            if length > MAX_HEADER_BYTES:
                raise CardError(
                    f"{path.name}: the header claims {length:,} bytes, over the {MAX_HEADER_BYTES:,}-byte limit; "
                    "this is not a usable safetensors file"
                )
            if 8 + length > size:
                raise CardError(
                    f"{path.name}: the header claims {length:,} bytes but the file has {size:,} (truncated)"
                )
            raw = file.read(length)
    except OSError as error:
        raise CardError(f"{path}: cannot read ({error.strerror or error})") from None
    return parse_header(raw, path.name, size)


def parse_header(raw: bytes, name: str, file_bytes: int) -> SafetensorsHeader:
    """Check a header's JSON against the format; `file_bytes` bounds the data offsets (truncation)."""
    header = json_object(raw, f"{name}: the safetensors header")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise CardError(f"{name}: __metadata__ must map strings to strings")
    data_bytes = file_bytes - 8 - len(raw)
    tensors = {key: _tensor(name, key, value, data_bytes) for key, value in header.items()}
    return SafetensorsHeader(name, file_bytes, len(raw), tensors, metadata)


def _tensor(file: str, key: str, value, data_bytes: int) -> TensorEntry:
    if not isinstance(value, dict):
        raise CardError(f"{file}: tensor {key!r} is not described by an object")
    dtype, shape, offsets = value.get("dtype"), value.get("shape"), value.get("data_offsets")
    if not isinstance(dtype, str):
        raise CardError(f"{file}: tensor {key!r} has no dtype")
    if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
        raise CardError(f"{file}: tensor {key!r} has a shape that is not a list of non-negative integers")
    if (
        not isinstance(offsets, list) or len(offsets) != 2
        or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
        or not 0 <= offsets[0] <= offsets[1]
    ):  # fmt: skip
        raise CardError(f"{file}: tensor {key!r} has invalid data_offsets {offsets!r}")
    if offsets[1] > data_bytes:
        raise CardError(
            f"{file}: tensor {key!r} ends at byte {offsets[1]:,} of the data but the file holds {data_bytes:,} "
            "(truncated)"
        )
    entry = TensorEntry(dtype, tuple(shape), offsets[1] - offsets[0])
    bits = DTYPE_BITS.get(dtype)
    if bits is not None and entry.numel * bits != 8 * entry.nbytes:
        raise CardError(
            f"{file}: tensor {key!r} ({dtype}, shape {list(shape)}) should take {entry.numel * bits // 8:,} bytes "
            f"but its offsets give {entry.nbytes:,}"
        )
    return entry
