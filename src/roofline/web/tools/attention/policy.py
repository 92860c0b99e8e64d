"""What the site lets a member run: only the operator's models (or any Hub id if the operator allows it), never
remote code, never a local path the operator did not list, at most ROOFLINE_ATTENTION_MAX_TOKENS tokens."""

from django.conf import settings
from huggingface_hub.utils import HFValidationError, validate_repo_id

from roofline.attention import AttentionError, AttentionRequest


def offered_models() -> list[str]:
    return list(settings.ROOFLINE_ATTENTION_MODELS)


def site_request(data: dict | AttentionRequest) -> AttentionRequest:
    """The request a member's JSON asks for, with the site's limits applied. Raises pydantic.ValidationError for a
    malformed request and AttentionError for one the site does not run."""
    request = data if isinstance(data, AttentionRequest) else AttentionRequest.model_validate(data)
    if request.trust_remote_code:
        raise AttentionError("this site never runs a model repository's own code (trust_remote_code)")
    if request.model not in offered_models():
        if not settings.ROOFLINE_ATTENTION_ALLOW_HUB:
            raise AttentionError(f"{request.model!r} is not one of this site's models: {', '.join(offered_models())}")
        try:
            validate_repo_id(request.model)
        except HFValidationError:
            raise AttentionError(f"{request.model!r} is not a Hugging Face Hub id (owner/name)") from None
        if request.model.startswith((".", "/", "~")):
            raise AttentionError("local paths are not accepted here; give a Hugging Face Hub id")
    limit = settings.ROOFLINE_ATTENTION_MAX_TOKENS
    return request.model_copy(
        update={
            "max_tokens": min(request.max_tokens, limit), "device": "auto", "heads": [],
            "detail_size": settings.ROOFLINE_ATTENTION_DETAIL_SIZE,
        }
    )  # fmt: skip
