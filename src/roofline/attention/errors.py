"""The one error a user of the attention inspector can cause and fix."""


class AttentionError(ValueError):
    """A request the inspector cannot run (bad model id or path, no attention weights, bad text); the message says
    what was wrong and what to do."""
