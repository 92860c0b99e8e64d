class CardError(ValueError):
    """An input the card generator cannot use (a checkpoint, eval log or answers file): the message names the
    file and says what is wrong with it."""
