"""Tool pages and their API routers: thin layers over the roofline.<tool> engines."""
