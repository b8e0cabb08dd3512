"""The rule registry: rule id → :class:`~recordings.rules.types.Rule`, in the order reports list them.

One module per rule, named after its id (``test-id`` → ``test_id.py``), each with ``ID``,
``SEVERITY``, ``SUMMARY``, ``SCOPE`` and ``check(ctx)`` (file rules) or ``check_corpus`` (corpus
rules). :mod:`recordings.rules.runner` runs them; :mod:`recordings.rules.types` holds what they share.
"""

from __future__ import annotations

from recordings.rules import bytes as bytes_rule
from recordings.rules import duplicate, models_digest, name, normalized, schema, secrets, stream, syntax, test_id
from recordings.rules import hash as hash_rule
from recordings.rules.types import FileContext, Finding, Rule

__all__ = ["RULES", "FileContext", "Finding", "Rule"]

RULES: dict[str, Rule] = {
    module.ID: Rule.from_module(module)
    for module in (syntax, schema, test_id, name, hash_rule, models_digest, normalized, bytes_rule, stream, secrets,
                   duplicate)
}
