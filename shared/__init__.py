"""Helpers any package may use: they import nothing of Sunlight (no models, no app)."""
