"""One module per tool command of the `roofline` CLI; each is a thin layer over its engine."""
