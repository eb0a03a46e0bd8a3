"""Placeholder: the fisheries domain pack (being written)."""
