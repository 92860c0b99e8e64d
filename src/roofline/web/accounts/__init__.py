"""Members: GitHub identity through django-allauth, and profiles."""
