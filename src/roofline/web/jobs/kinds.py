"""The registry of job kinds: what a job of each kind validates and runs.

A tool registers its long-running entry point here; the worker looks the kind up by name. `run` receives the
validated request and a `progress(fraction, message)` callback, and returns the result as a JSON-able dict.
"""

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel

Progress = Callable[[float, str], None]
Runner = Callable[[BaseModel, Progress], dict]


class JobError(Exception):
    """A failure the user caused or can fix (bad model id, unreachable endpoint); its message is shown as is."""


class UnknownJobKind(LookupError):
    pass


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str
    request_model: type[BaseModel]
    run: Runner
    wants_gpu: bool = False  # queued on settings.ROOFLINE_GPU_QUEUE when one is configured


_kinds: dict[str, JobKind] = {}


def register_job_kind(
    name: str, title: str, request_model: type[BaseModel], wants_gpu: bool = False
) -> Callable[[Runner], Runner]:
    """Decorator: register `run` as the runner of job kind `name`."""

    def decorate(run: Runner) -> Runner:
        if name in _kinds and _kinds[name].run is not run:
            raise ValueError(f"job kind {name!r} is registered twice")
        _kinds[name] = JobKind(name=name, title=title, request_model=request_model, run=run, wants_gpu=wants_gpu)
        return run

    return decorate


def get_job_kind(name: str) -> JobKind:
    try:
        return _kinds[name]
    except KeyError:
        known = ", ".join(sorted(_kinds)) or "none"
        raise UnknownJobKind(f"unknown job kind {name!r}; known kinds: {known}") from None


def job_kind_names() -> list[str]:
    return sorted(_kinds)
