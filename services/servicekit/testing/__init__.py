"""Test support: the pytest plugin (real PostgreSQL and NATS for the run) and helpers."""
