"""The operator's console for screens (placeholder, filled below)."""
