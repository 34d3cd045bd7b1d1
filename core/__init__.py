"""The application shell: factory, extensions, CLI and health check."""
