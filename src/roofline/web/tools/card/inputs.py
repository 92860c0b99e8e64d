"""Reading a CardRequest from the page's form: a Hub id or uploaded metadata files, uploaded eval logs (each
size-capped), and the answers fields."""

import base64
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from pydantic import ValidationError

from roofline.cards import CardAnswers, CardRequest
from roofline.cards.metadata import METADATA_FILES

MAX_METADATA_UPLOAD_BYTES = 2 * 2**20  # per metadata file (config.json and friends are kilobytes)
MAX_LOG_UPLOAD_BYTES = 8 * 2**20  # per eval log (an inspect .json log with its samples can be megabytes)
MAX_UPLOADS = 12  # files of each kind
ANSWER_FIELDS = tuple(CardAnswers.model_fields)


class InputError(ValueError):
    pass


def _read(upload: UploadedFile, cap: int) -> bytes:
    if upload.size is not None and upload.size > cap:
        raise InputError(f"{upload.name}: {upload.size:,} bytes, over the {cap:,}-byte limit for this upload")
    return upload.read(cap + 1)[:cap]


def _uploads(files: MultiValueDict, field: str) -> list[UploadedFile]:
    uploads = [f for f in files.getlist(field) if f.name]
    if len(uploads) > MAX_UPLOADS:
        raise InputError(f"at most {MAX_UPLOADS} files in {field.replace('_', ' ')}")
    return uploads


def request_from_form(data: QueryDict, files: MultiValueDict) -> CardRequest:
    """The request the form describes; InputError says what is wrong with it."""
    metadata = {}
    for upload in _uploads(files, "metadata_files"):
        name = PurePath(upload.name).name
        if name not in METADATA_FILES:
            raise InputError(f"{name}: not a metadata file this page reads; upload any of {', '.join(METADATA_FILES)}")
        try:
            metadata[name] = _read(upload, MAX_METADATA_UPLOAD_BYTES).decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{name}: not UTF-8 text") from None
    logs = []
    for upload in _uploads(files, "eval_logs"):
        content = _read(upload, MAX_LOG_UPLOAD_BYTES)
        logs.append({"name": PurePath(upload.name).name, "content_base64": base64.b64encode(content).decode()})
    checkpoint = data.get("checkpoint", "").strip() or None
    if checkpoint and metadata:
        raise InputError("give a Hub id or metadata files, not both")
    answers = {name: data[name] for name in ANSWER_FIELDS if data.get(name, "").strip()}
    try:
        return CardRequest(checkpoint=checkpoint, files=metadata, eval_logs=logs, answers=answers)
    except ValidationError as error:
        raise InputError(
            "; ".join(f"{'.'.join(map(str, e['loc'])) or 'form'}: {e['msg']}" for e in error.errors())
        ) from None
