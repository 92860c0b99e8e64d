"""`Accelerator`: one device's datasheet figures in base units (bytes, bytes/s, FLOP/s), with their sources."""

from dataclasses import dataclass, field, fields

from roofline.hardware.dtypes import DTYPES, canonical_dtype
from roofline.hardware.errors import UnsupportedDtype


@dataclass(frozen=True)
class Accelerator:
    """Figures for one device (one GPU, one TPU chip), all as the vendor publishes them, converted to base units.

    - memory_bytes: capacity in bytes (a vendor's "80GB" of HBM is 80 GiB); memory_stated: the vendor's wording.
    - memory_bandwidth_bytes_per_s: decimal (3.35 TB/s = 3.35e12 B/s).
    - peak_flops_per_s: DENSE peaks (no 2:4 sparsity) keyed by dtype (see `dtypes.DTYPES`); None where the
      hardware has no path for it or the vendor publishes no figure. int8 is integer ops/s.
    - interconnect_bytes_per_s: the device-to-device link, per GPU and PER DIRECTION (a vendor's bidirectional
      total is halved); interconnect_stated_bytes_per_s and interconnect_direction keep the vendor's figure.
    - l2_bytes: L2 or last-level on-chip cache, None where unpublished.
    - sources: figure key ("memory", "memory_bandwidth", "peak_flops.bf16", "interconnect", "l2") -> citation.
    """

    id: str
    name: str
    vendor: str
    memory_bytes: int
    memory_stated: str
    memory_bandwidth_bytes_per_s: float
    peak_flops_per_s: dict[str, float | None] = field(hash=False)
    interconnect_bytes_per_s: float | None
    interconnect: str
    l2_bytes: int | None
    sources: dict[str, str] = field(hash=False)
    notes: list[str] = field(hash=False)
    interconnect_stated_bytes_per_s: float | None = None
    interconnect_direction: str | None = None  # "per_direction" or "bidirectional_total", as the vendor states
    aliases: tuple[str, ...] = ()

    def supported_dtypes(self) -> list[str]:
        """The dtypes with a dense peak, in catalog order."""
        return [dtype for dtype in DTYPES if self.peak_flops_per_s.get(dtype) is not None]

    def peak_flops(self, dtype: str) -> float:
        """Dense peak FLOP/s (ops/s for int8) at `dtype`; any spelling in `dtypes.DTYPE_ALIASES` works."""
        canonical = canonical_dtype(dtype)
        supported = self.supported_dtypes()
        if canonical is None:
            raise UnsupportedDtype(
                f"Unknown dtype {dtype!r}. The catalog records peaks for {', '.join(DTYPES)} (also spelled "
                f"bfloat16, float16, half, float32, float8_e4m3fn, nvfp4, ...); {self.name} has "
                f"{', '.join(supported)}.",
                dtype=str(dtype),
                supported=supported,
            )
        peak = self.peak_flops_per_s.get(canonical)
        if peak is None:
            raise UnsupportedDtype(
                f"{self.name} ({self.id}) has no dense {canonical} peak: the hardware lacks that path or the "
                f"vendor publishes no figure (see its notes). Its dtypes: {', '.join(supported)}. Pick one of "
                "those, or describe the device yourself with load_accelerator_file().",
                dtype=canonical,
                supported=supported,
            )
        return peak

    def ridge_point(self, dtype: str) -> float:
        """FLOP per byte at which the roofline turns: dense peak ÷ memory bandwidth (Williams et al., 2009).
        Kernels with a lower arithmetic intensity are memory-bound, higher ones compute-bound."""
        return self.peak_flops(dtype) / self.memory_bandwidth_bytes_per_s

    def figures_without_source(self) -> list[str]:
        """Keys of the non-null figures that have no entry in `sources` (empty for every catalog entry)."""
        present = {
            "memory": self.memory_bytes,
            "memory_bandwidth": self.memory_bandwidth_bytes_per_s,
            "interconnect": self.interconnect_stated_bytes_per_s,
            "l2": self.l2_bytes,
            **{f"peak_flops.{dtype}": peak for dtype, peak in self.peak_flops_per_s.items()},
        }
        return [key for key, value in present.items() if value is not None and not self.sources.get(key)]

    def to_dict(self) -> dict:
        """Plain JSON-ready fields (copies, so callers may change them)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["peak_flops_per_s"] = dict(self.peak_flops_per_s)
        data["sources"] = dict(self.sources)
        data["notes"] = list(self.notes)
        data["aliases"] = list(self.aliases)
        return data
