"""Validation rules only cassettes have (the shared ``syntax``, ``secrets`` and ``duplicate`` apply too)."""
