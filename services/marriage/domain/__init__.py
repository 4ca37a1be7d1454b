"""Marriage domain: the legal rules as plain dataclasses and functions (no I/O frameworks)."""
