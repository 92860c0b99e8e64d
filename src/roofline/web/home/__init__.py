"""The home page and the site-wide template context."""
