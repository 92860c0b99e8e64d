"""Human-readable numbers with their units, for the CLI and the pages (GB = 10^9 bytes, GiB = 2^30)."""


def si(value: float, unit: str, digits: int = 3) -> str:
    """`value` with an SI prefix: si(3.35e12, "B/s") -> "3.35 TB/s"."""
    for factor, prefix in ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= factor:
            return f"{value / factor:.{digits}g} {prefix}{unit}"
    return f"{value:.{digits}g} {unit}"


def seconds(value: float) -> str:
    """A duration in s, ms or µs."""
    if value >= 1:
        return f"{value:.3g} s"
    if value >= 1e-3:
        return f"{value * 1e3:.3g} ms"
    return f"{value * 1e6:.3g} µs"


def count(value: int) -> str:
    """An exact count with thousands separators and its rounded form: 8,030,261,248 (8.03 B)."""
    for factor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= factor:
            return f"{value:,} ({value / factor:.3g} {suffix})"
    return f"{value:,}"


def binary(value: float, unit: str = "B", digits: int = 3) -> str:
    """`value` with a binary prefix: binary(85899345920) -> "80 GiB"."""
    for factor, prefix in ((2**50, "Pi"), (2**40, "Ti"), (2**30, "Gi"), (2**20, "Mi"), (2**10, "Ki")):
        if abs(value) >= factor:
            return f"{value / factor:.{digits}g} {prefix}{unit}"
    return f"{value:.{digits}g} {unit}"
