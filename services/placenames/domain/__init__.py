"""Division rules as plain Python (rules.md §3.3)."""
