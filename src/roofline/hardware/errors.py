"""What can go wrong when a user names an accelerator, a dtype, or a file of their own."""

from pathlib import Path


class UnknownAccelerator(LookupError):
    """`get_accelerator` was given a name that is neither a catalog id nor an alias."""


class UnsupportedDtype(ValueError):
    """A peak was asked for a dtype the accelerator has no dense figure for, or a dtype name we do not know."""

    def __init__(self, message: str, *, dtype: str, supported: list[str]):
        super().__init__(message)
        self.dtype = dtype
        self.supported = supported


class InvalidAcceleratorFile(ValueError):
    """A custom accelerator file that cannot be read as one catalog entry; `problems` lists each bad field."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        listing = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            f"{path} is not a valid accelerator file:\n{listing}\n"
            "It must hold one object with the fields of an entry in roofline/hardware/catalog.json "
            "(docs/hardware.md describes them); copy an entry from there and change its figures."
        )
