"""The kernel benchmark on the site: stored runs (model), the API (submit with a token, list, filter, read),
the results browser page, side-by-side comparison, and runs started from the page as worker jobs."""
