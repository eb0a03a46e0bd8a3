"""Placeholder: the sakhalin2 domain pack (being written)."""
