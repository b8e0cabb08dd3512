"""Validation rules only HAR files have (the shared ``syntax``, ``secrets`` and ``duplicate`` apply too)."""
