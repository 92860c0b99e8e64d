"""The shipped catalog (catalog.json beside this file) and lookup by id or alias, forgiving about case, spaces,
underscores, hyphens and a leading vendor name ("NVIDIA H100 SXM" -> h100-sxm)."""

import difflib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, ValidationError

from roofline.hardware.accelerator import Accelerator
from roofline.hardware.errors import UnknownAccelerator
from roofline.hardware.schema import AcceleratorSpec, describe_errors

CATALOG_FILE = "catalog.json"
_VENDOR_WORDS = ("nvidia", "amd", "google", "cloud", "geforce", "instinct")


class _CatalogFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str
    notes: list[str]
    accelerators: list[AcceleratorSpec]


@dataclass(frozen=True)
class _Catalog:
    version: str
    accelerators: dict[str, Accelerator]  # id -> accelerator, in file order
    index: dict[str, str]  # normalized id or alias (and its hyphen-free form) -> id


def _normalize(name: str) -> str:
    words = str(name).strip().lower().replace("_", " ").replace("-", " ").split()
    return "-".join(words)


def _lookup_keys(name: str) -> list[str]:
    """Forms of `name` to try, most literal first: as typed, without hyphens, without leading vendor words."""
    key = _normalize(name)
    keys = [key, key.replace("-", "")]
    words = key.split("-")
    while len(words) > 1 and words[0] in _VENDOR_WORDS:
        words = words[1:]
        keys += ["-".join(words), "".join(words)]
    return keys


@lru_cache(maxsize=1)
def _catalog() -> _Catalog:
    path = resources.files("roofline.hardware") / CATALOG_FILE
    try:
        parsed = _CatalogFile.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except ValidationError as error:  # the shipped data is broken: a bug in this package, not the user's doing
        raise RuntimeError(f"{path} is invalid: " + "; ".join(describe_errors(error))) from None
    accelerators: dict[str, Accelerator] = {}
    index: dict[str, str] = {}
    for spec in parsed.accelerators:
        accelerator = spec.to_accelerator()
        if accelerator.id in accelerators:
            raise RuntimeError(f"{path}: id {accelerator.id!r} appears twice")
        unsourced = accelerator.figures_without_source()
        if unsourced:
            raise RuntimeError(f"{path}: {accelerator.id} has figures without a source: {', '.join(unsourced)}")
        accelerators[accelerator.id] = accelerator
        for name in (accelerator.id, *accelerator.aliases):
            for key in _lookup_keys(name)[:2]:
                if index.setdefault(key, accelerator.id) != accelerator.id:
                    raise RuntimeError(f"{path}: {name!r} would name both {index[key]} and {accelerator.id}")
    return _Catalog(parsed.version, accelerators, index)


def catalog_version() -> str:
    """The catalog's "version" field; bumped whenever a figure changes."""
    return _catalog().version


def list_accelerators() -> list[Accelerator]:
    """Every accelerator in the catalog, in the catalog's order."""
    return list(_catalog().accelerators.values())


def get_accelerator(name: str) -> Accelerator:
    """The accelerator called `name`: an id ("h100-sxm") or alias ("h100", "4090"), in any case, with spaces,
    underscores or hyphens ("H100 SXM", "a100_80gb"). Raises UnknownAccelerator, suggesting near names."""
    catalog = _catalog()
    for key in _lookup_keys(name):
        if key in catalog.index:
            return catalog.accelerators[catalog.index[key]]
    raise UnknownAccelerator(_unknown_message(name, catalog))


def _unknown_message(name: str, catalog: _Catalog) -> str:
    key = _normalize(name)
    names = {_normalize(n): a.id for a in catalog.accelerators.values() for n in (a.id, *a.aliases)}
    suggestions: dict[str, str] = {}  # id -> how to show it, one per accelerator, closest first
    for match in difflib.get_close_matches(key, names, n=8, cutoff=0.5):
        target = names[match]
        suggestions.setdefault(target, target if match == target else f"{target} (alias {match})")
    suggestions = dict(list(suggestions.items())[:5])
    hint = f" Did you mean: {', '.join(suggestions.values())}?" if suggestions else ""
    return (
        f"Unknown accelerator {name!r}.{hint} Known ids: {', '.join(catalog.accelerators)}. "
        "For hardware not in the catalog, describe it in a JSON file and load it with load_accelerator_file()."
    )
