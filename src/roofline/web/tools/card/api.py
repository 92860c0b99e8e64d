"""The model card generator in the JSON API. POST /api/tools/card takes the CardRequest JSON (a Hub id or
metadata files, eval logs as text or base64, answers) from a member (API token, or a session with its CSRF
token) and returns the card with its facts and completeness; GET /api/tools/card/facts reads a Hub id."""

from ninja import Body, Router
from ninja.errors import HttpError
from pydantic import ValidationError

from roofline.cards import CardError, CardRequest, generate_card, read_facts, serving_for
from roofline.cards.serving import DEFAULT_GPUS
from roofline.web.discussions.api import WRITE_AUTH

router = Router(tags=["card"])


@router.post("/card", auth=WRITE_AUTH, response=dict)
def card(request, body: dict = Body(...)):  # noqa: B008 - ninja declares the body so
    """The model card: markdown, metadata (front matter), facts, eval logs, limitations, completeness."""
    try:
        return generate_card(CardRequest.model_validate(body), allow_local_files=False).to_dict()
    except ValidationError as error:
        raise HttpError(422, "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())) from None
    except CardError as error:
        raise HttpError(422, str(error)) from None


@router.get("/card/facts", response=dict)
def card_facts(request, checkpoint: str):
    """A Hub repository's facts (headers and metadata only) with serving estimates."""
    try:
        facts = read_facts(checkpoint, allow_local_files=False)
    except CardError as error:
        raise HttpError(422, str(error)) from None
    serving, assumptions = serving_for(facts, list(DEFAULT_GPUS))
    return {**facts.to_dict(), "serving": [vars(s) for s in serving], "serving_assumptions": assumptions}
