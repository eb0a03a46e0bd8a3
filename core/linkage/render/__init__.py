"""Rendering analyses: the report document and the built-in text, JSON, Markdown and LaTeX formats."""
