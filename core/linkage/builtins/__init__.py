"""The core's own plugins. They use the same hooks as third-party packs (see ``DEFAULT_PLUGINS``)."""
