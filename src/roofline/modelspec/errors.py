class ModelSpecError(ValueError):
    """A config we cannot read: the message names the file or model and the fields that are missing or wrong."""
