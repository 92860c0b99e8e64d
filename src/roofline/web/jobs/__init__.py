"""Jobs: long tool runs (model loading, eval runs, kernel sweeps) run by a worker, never inside a request."""
