"""Command-line tools of the marriage service (not part of the running service)."""
