"""Discussions: long-form threads tied to GitHub identities — searchable, attributed, permanent."""
