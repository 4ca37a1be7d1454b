"""Shared mechanism for every Civic service: no business rules live here."""
