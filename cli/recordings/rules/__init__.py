"""The rule registry: rule id → :class:`~recordings.rules.types.Rule`, in the order reports list them.

One module per rule, named after its id (``test-id`` → ``test_id.py``), each with ``ID``,
``SEVERITY``, ``SUMMARY``, ``SCOPE`` and ``check(ctx)`` (file rules) or ``check_corpus`` (corpus
rules). Rules every format shares live here (``syntax``, ``secrets``, ``duplicate``); a format's own
rules live in its folder and are listed by the format (:attr:`recordings.formats.Format.rule_modules`).
:mod:`recordings.rules.runner` runs them; :mod:`recordings.rules.types` holds what they share.
"""

from __future__ import annotations

import importlib

from recordings.rules.types import FileContext, Finding, Rule

__all__ = ["RULES", "FileContext", "Finding", "Rule"]

GENERIC_FIRST = ("recordings.rules.syntax",)
GENERIC_LAST = ("recordings.rules.secrets", "recordings.rules.duplicate")


def _registry() -> dict[str, Rule]:
    from recordings.formats import FORMATS

    names = [*((m, None) for m in GENERIC_FIRST), *((m, fmt.name) for fmt in FORMATS for m in fmt.rule_modules),
             *((m, None) for m in GENERIC_LAST)]
    rules: dict[str, Rule] = {}
    for name, format_name in names:
        rule = Rule.from_module(importlib.import_module(name), format_name)
        rules.setdefault(rule.id, rule)
    return rules


RULES: dict[str, Rule] = _registry()
