"""Facts of a Hugging Face Hub repository through huggingface_hub: the file list with sizes and LFS SHA-256
(`model_info(files_metadata=True)`), the metadata files (`hf_hub_download`, so the cache and HF_HUB_OFFLINE
work), and the safetensors headers (`get_safetensors_metadata`, HTTP range requests: no weights downloaded)."""

from pathlib import Path

from roofline.cards.errors import CardError
from roofline.cards.facts import CheckpointFacts, FileFact, apply_headers, apply_metadata, finish
from roofline.cards.metadata import MAX_METADATA_BYTES, METADATA_FILES, SAFETENSORS_INDEX, metadata_from_texts
from roofline.cards.safetensors_header import SafetensorsHeader, TensorEntry


def hub_client():
    """The one seam to the Hub (tests replace it): an object with model_info, get_safetensors_metadata and
    hf_hub_download, as huggingface_hub.HfApi has."""
    from huggingface_hub import HfApi

    return HfApi()


def _network_errors() -> tuple[type[Exception], ...]:
    """The Hub client's connection errors (httpx's in huggingface_hub 1.x and later), and offline mode."""
    from huggingface_hub import errors

    return tuple(getattr(errors, name) for name in ("HTTPError", "OfflineModeIsEnabled") if hasattr(errors, name))


def hub_facts(repo_id: str) -> CheckpointFacts:
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        HFValidationError,
        LocalEntryNotFoundError,
        NotASafetensorsRepoError,
        RepositoryNotFoundError,
    )

    api = hub_client()
    try:
        info = api.model_info(repo_id, files_metadata=True)
        siblings = info.siblings or []
        names = {s.rfilename for s in siblings}
        texts = {}
        for name in METADATA_FILES:
            if name in names:
                path = Path(api.hf_hub_download(repo_id, name, revision=info.sha))
                if path.stat().st_size > MAX_METADATA_BYTES:
                    raise CardError(f"{repo_id}/{name}: over the {MAX_METADATA_BYTES:,}-byte limit")
                texts[name] = path.read_text(encoding="utf-8")
        headers = []
        if any(n.endswith(".safetensors") for n in names):
            try:
                repo_meta = api.get_safetensors_metadata(repo_id, revision=info.sha)
                headers = [_header(name, file_meta) for name, file_meta in repo_meta.files_metadata.items()]
            except NotASafetensorsRepoError:
                headers = []
    except GatedRepoError:
        raise CardError(f"{repo_id} is gated: accept its licence on the Hub and sign in (HF_TOKEN)") from None
    except RepositoryNotFoundError:
        raise CardError(
            f"{repo_id} is not on the Hugging Face Hub (or it is private and you are not signed in)"
        ) from None
    except LocalEntryNotFoundError:
        raise CardError(f"{repo_id}: the Hub cannot be reached and the files are not cached") from None
    except HfHubHTTPError as error:
        raise CardError(f"{repo_id}: the Hub refused the request ({error})") from None
    except HFValidationError as error:
        raise CardError(f"{repo_id!r} is not a valid Hub id ({error})") from None
    except (OSError, *_network_errors()) as error:
        raise CardError(f"{repo_id}: the Hub cannot be reached ({error})") from None
    except UnicodeDecodeError:
        raise CardError(f"{repo_id}: a metadata file is not UTF-8 text") from None
    facts = CheckpointFacts(source=f"https://huggingface.co/{repo_id}", kind="hub", name=repo_id)
    meta = metadata_from_texts(texts)
    apply_metadata(facts, meta)
    facts.name = repo_id
    if headers:
        apply_headers(facts, headers, meta.indexes.get(SAFETENSORS_INDEX))
    facts.files = [
        FileFact(s.rfilename, s.size or 0, s.lfs.sha256 if s.lfs else None)
        for s in sorted(siblings, key=lambda s: s.rfilename)
    ]
    facts.notes.append(f"Read from the Hub at revision {info.sha}; SHA-256 is the Hub's (LFS files only).")
    finish(facts)
    return facts


def _header(name: str, file_meta) -> SafetensorsHeader:
    tensors = {
        key: TensorEntry(t.dtype, tuple(t.shape), t.data_offsets[1] - t.data_offsets[0])
        for key, t in file_meta.tensors.items()
    }
    size = sum(t.nbytes for t in tensors.values())
    return SafetensorsHeader(name, size, 0, tensors, dict(file_meta.metadata or {}))
