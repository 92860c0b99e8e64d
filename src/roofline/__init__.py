"""Roofline: an open community and toolkit for AI-infrastructure engineers."""

__version__ = "0.1.0"
