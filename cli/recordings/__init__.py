"""recordings: inspect, diff, normalize, prune and validate recorded LLM API calls.

The package is a library first. Everything in it except ``recordings.commands``
is importable without typer: discovery, the model, reassembly, hashing,
normalization, checks and output formats.
"""

__version__ = "0.1.0"
