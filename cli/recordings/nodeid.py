"""Parsing pytest node ids (the ``test_id`` of a recording) into :class:`~recordings.model.NodeId`."""

from __future__ import annotations

import re

from recordings.model import NodeId

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _split_params(rest: str) -> tuple[str, str | None]:
    """Split ``function[params]`` at the first ``[`` (params may hold ``::``)."""
    bracket = rest.find("[")
    if bracket == -1:
        return rest, None
    if not rest.endswith("]"):
        raise ValueError("parameters do not end with ']'")
    return rest[:bracket], rest[bracket + 1 : -1]


def parse_node_id(node_id: str) -> NodeId:
    """Parse a node id; raise ValueError with a short reason when malformed."""
    if not isinstance(node_id, str) or not node_id:
        raise ValueError("empty test id")
    if "::" not in node_id:
        raise ValueError("no '::' between file and test")
    file, _, rest = node_id.partition("::")
    if not file.endswith(".py"):
        raise ValueError(f"file part {file!r} is not a .py file")
    # Parameters may contain '::' themselves, so cut them off first.
    bracket = rest.find("[")
    head, params_tail = (rest, "") if bracket == -1 else (rest[:bracket], rest[bracket:])
    names = head.split("::")
    *classes, last = names
    function, params = _split_params(last + params_tail)
    for name in (*classes, function):
        if not _IDENT.match(name):
            raise ValueError(f"{name!r} is not a Python identifier")
    return NodeId(node_id=node_id, file=file, classes=tuple(classes), function=function, params=params)


def try_parse_node_id(node_id: object) -> NodeId | None:
    if not isinstance(node_id, str):
        return None
    try:
        return parse_node_id(node_id)
    except ValueError:
        return None
