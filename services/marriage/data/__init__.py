"""Data files shipped with the marriage service (the work calendar)."""
