"""The bundled case files (TOML data, never executed). Installed as ``linkage.bundled_cases``."""
