"""Finding a model's config.json: a local file or directory, a config shipped with Roofline, or the Hugging Face
Hub (through huggingface_hub's cache, so HF_HUB_OFFLINE=1 works with what is already cached)."""

import json
from importlib import resources
from pathlib import Path

from roofline.modelspec.errors import ModelSpecError

SHIPPED = resources.files("roofline.modelspec") / "configs"


def shipped_configs() -> list[dict]:
    """The popular models whose config.json ships with Roofline: [{"id", "file", "family", ...}]."""
    index = SHIPPED / "index.json"
    return json.loads(index.read_text()) if index.is_file() else []


def _shipped_file(model: str):
    for entry in shipped_configs():
        if entry["id"].lower() == model.lower():
            return SHIPPED / entry["file"]
    return None


def _read(path, label: str) -> dict:
    try:
        config = json.loads(Path(str(path)).read_text() if not hasattr(path, "read_text") else path.read_text())
    except json.JSONDecodeError as error:
        raise ModelSpecError(f"{label} is not valid JSON: {error.msg} at line {error.lineno}") from None
    if not isinstance(config, dict):
        raise ModelSpecError(f"{label} must hold a JSON object (a Hugging Face config.json)")
    return config


def load_config(model: str, allow_local_files: bool = True) -> tuple[dict, str]:
    """The config dict for `model` (a path to config.json or its directory, a shipped model id, or a Hub id)
    and a label saying where it came from. Servers pass allow_local_files=False: then the file system is never
    looked at, only shipped configs and the Hub."""
    if allow_local_files:
        path = Path(model).expanduser()
        if path.is_dir():
            path = path / "config.json"
            if not path.is_file():
                raise ModelSpecError(f"{path.parent} has no config.json")
        if path.is_file():
            return _read(path, str(path)), str(path)
    shipped = _shipped_file(model)
    if shipped is not None:
        return _read(shipped, f"shipped config of {model}"), f"shipped config of {model}"
    if model.count("/") != 1 or model.startswith((".", "/", "~")):
        what = "a file, a directory with a config.json, " if allow_local_files else ""
        raise ModelSpecError(f"{model!r} is not {what}a shipped model or a Hub id (owner/name)")
    return _read(_download(model), f"{model}/config.json"), f"Hugging Face Hub: {model}"


def _download(repo_id: str) -> str:
    try:
        from huggingface_hub import hf_hub_download
        from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError
    except ImportError:  # pragma: no cover - huggingface_hub is a dependency
        raise ModelSpecError("reading a Hub id needs huggingface_hub: pip install huggingface_hub") from None
    try:
        return hf_hub_download(repo_id, "config.json")
    except RepositoryNotFoundError:
        raise ModelSpecError(
            f"{repo_id} is not on the Hugging Face Hub, or it is gated and you are not signed in"
        ) from None
    except LocalEntryNotFoundError:
        raise ModelSpecError(
            f"{repo_id}: config.json is not in the local cache and the Hub cannot be reached (offline mode or no "
            "network); pass a local path to config.json instead"
        ) from None
    except HfHubHTTPError as error:
        raise ModelSpecError(f"{repo_id}: the Hub refused config.json ({error})") from None
