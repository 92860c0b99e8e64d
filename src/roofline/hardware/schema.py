"""The JSON form of one accelerator (a catalog entry or a user's own file), validated with pydantic, and its
conversion to `Accelerator`. The checks catch the usual slips: a figure in TB/s or TFLOPS instead of base units,
capacity bytes that match neither the stated GB nor GiB, a typo in a field or dtype name."""

from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveFloat,
    PositiveInt,
    ValidationError,
    field_validator,
    model_validator,
)

from roofline.hardware.accelerator import Accelerator
from roofline.hardware.dtypes import DTYPES

SOURCE_KEYS = ("memory", "memory_bandwidth", "interconnect", "l2", *(f"peak_flops.{dtype}" for dtype in DTYPES))
GIB = 2**30
_DIRECTION_WORDS = {"per_direction": "per direction", "bidirectional_total": "bidirectional total"}


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MemorySpec(_Entry):
    value: PositiveFloat  # as the vendor writes it: 80 in "80GB"
    unit: Literal["GB", "GiB"]  # as the vendor writes it
    type: str  # "HBM3", "GDDR6"
    bytes: PositiveInt  # the capacity in bytes
    bytes_note: str = ""  # how the vendor's figure maps to bytes

    @model_validator(mode="after")
    def _bytes_match_stated(self):
        low, high = self.value * 1e9 * 0.9, self.value * GIB * 1.1
        if not low <= self.bytes <= high:
            raise ValueError(
                f"bytes ({self.bytes:,}) does not match the stated {self.value:g} {self.unit}: "
                f"{self.value:g} GB is {self.value * 1e9:,.0f} bytes and {self.value:g} GiB is "
                f"{self.value * GIB:,.0f}. Write the capacity in bytes."
            )
        return self


class BandwidthSpec(_Entry):
    bytes_per_s: float = Field(ge=1e9)  # decimal bytes per second: 3.35 TB/s = 3.35e12
    stated: str = ""  # as the vendor writes it


class InterconnectSpec(_Entry):
    name: str  # "NVLink 4 (18 links)", "PCIe Gen4 x16", or "none"
    bytes_per_s: float | None = Field(default=None, ge=1e8)
    direction: Literal["per_direction", "bidirectional_total"] | None = None
    stated: str | None = None

    @model_validator(mode="after")
    def _direction_given(self):
        if self.bytes_per_s is not None and self.direction is None:
            raise ValueError(
                "direction is required with bytes_per_s: 'per_direction' if the figure counts one direction, "
                "'bidirectional_total' if it adds both (NVIDIA's 900GB/s NVLink is a bidirectional total)"
            )
        return self


class CacheSpec(_Entry):
    bytes: PositiveInt | None = None
    stated: str | None = None


class AcceleratorSpec(_Entry):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    name: str
    vendor: str
    aliases: list[str] = []
    memory: MemorySpec
    memory_bandwidth: BandwidthSpec
    peak_flops_per_s: dict[str, float | None]  # dense FLOP/s (int8: ops/s) per dtype, null where none
    interconnect: InterconnectSpec
    l2: CacheSpec = CacheSpec()
    sources: dict[str, str] = {}
    notes: list[str] = []

    @field_validator("peak_flops_per_s")
    @classmethod
    def _known_dtypes_in_flop_per_s(cls, peaks: dict[str, float | None]) -> dict[str, float | None]:
        unknown = sorted(set(peaks) - set(DTYPES))
        if unknown:
            raise ValueError(f"unknown dtypes {unknown}; use {', '.join(DTYPES)}")
        small = [dtype for dtype, peak in peaks.items() if peak is not None and peak < 1e9]
        if small:
            raise ValueError(f"{', '.join(small)} below 1e9: write FLOP/s, not TFLOPS (989.4 TFLOPS = 9.894e14)")
        if all(peak is None for peak in peaks.values()):
            raise ValueError("needs at least one dtype with a figure")
        return peaks

    @field_validator("sources")
    @classmethod
    def _known_figure_keys(cls, sources: dict[str, str]) -> dict[str, str]:
        stray = sorted(set(sources) - set(SOURCE_KEYS))
        if stray:
            raise ValueError(f"unknown keys {stray}; use {', '.join(SOURCE_KEYS)}")
        return sources

    def to_accelerator(self) -> Accelerator:
        link = self.interconnect
        per_direction = None
        description = link.name
        if link.bytes_per_s is not None:
            per_direction = link.bytes_per_s / 2 if link.direction == "bidirectional_total" else link.bytes_per_s
            description = f"{link.name}: {link.bytes_per_s / 1e9:g} GB/s {_DIRECTION_WORDS[link.direction]} per device"
        return Accelerator(
            id=self.id,
            name=self.name,
            vendor=self.vendor,
            memory_bytes=self.memory.bytes,
            memory_stated=f"{self.memory.value:g} {self.memory.unit} {self.memory.type}",
            memory_bandwidth_bytes_per_s=self.memory_bandwidth.bytes_per_s,
            peak_flops_per_s={dtype: self.peak_flops_per_s.get(dtype) for dtype in DTYPES},
            interconnect_bytes_per_s=per_direction,
            interconnect=description,
            l2_bytes=self.l2.bytes,
            sources=dict(self.sources),
            notes=[self.memory.bytes_note, *self.notes] if self.memory.bytes_note else list(self.notes),
            interconnect_stated_bytes_per_s=link.bytes_per_s,
            interconnect_direction=link.direction,
            aliases=tuple(self.aliases),
        )


def describe_errors(error: ValidationError) -> list[str]:
    """One line per problem: the field path and what is wrong with it, in words a user can act on."""
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "missing":
            message = "missing (required)"
        elif item["type"] == "extra_forbidden":
            message = "unknown field (a typo?)"
        problems.append(f"{where}: {message}")
    return problems
