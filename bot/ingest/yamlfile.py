"""YAML files whose every error names the file and the line, in Swedish.

`load` parses once into both the data and its node tree; the nodes remember where each
value sits, so `line_of` can point at the field that pydantic's `first_error` rejected.
"""

from collections.abc import Sequence
from typing import Any

import yaml
from pydantic import ValidationError

from bot.errors import KnowledgeFileError

Loc = Sequence[str | int]
_MESSAGES = {  # pydantic error type → Swedish message (ctx values are filled in)
    "missing": "saknas",
    "extra_forbidden": "okänt fält",
    "literal_error": "ska vara {expected}",
    "less_than_equal": "ska vara högst {le}",
    "greater_than_equal": "ska vara minst {ge}",
    "int_parsing": "ska vara ett heltal",
    "int_type": "ska vara ett heltal",
    "string_type": "ska vara text",
    "string_too_short": "får inte vara tomt",
    "string_pattern_mismatch": "får bara innehålla bokstäver, siffror, - _ och .",
    "date_from_datetime_parsing": "ogiltigt datum; skriv ÅÅÅÅ-MM-DD",
    "date_parsing": "ogiltigt datum; skriv ÅÅÅÅ-MM-DD",
    "date_type": "ogiltigt datum; skriv ÅÅÅÅ-MM-DD",
    "model_type": "ska vara en mappning (nyckel: värde)",
    "list_type": "ska vara en lista",
    "tuple_type": "ska vara en lista",
}


MAX_NODES = 100_000  # values a knowledge or schedule file may expand to (aliases included)


def _check_expansion(root: yaml.Node, name: str) -> None:
    """Refuse YAML whose aliases expand beyond MAX_NODES values ("billion laughs", cycles).

    The node tree shares an anchored node wherever it is aliased, so walking it counts
    every expansion without building one; PyYAML has no such limit of its own.
    """
    stack: list[yaml.Node] = [root]
    seen = 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            raise KnowledgeFileError(
                name, f"YAML som växer till fler än {MAX_NODES} värden (alias i alias); skriv ut värdena"
            )
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)


def load(
    text: str, name: str, *, loader: type[yaml.SafeLoader] = yaml.SafeLoader, line_offset: int = 0
) -> tuple[Any, yaml.Node | None]:
    """Return the YAML `text` as data and as nodes; a syntax error names `name` and the line.

    Args:
        loader: a SafeLoader (sub)class, e.g. one that leaves dates as text.
        line_offset: lines of the file before `text` (front matter starts on line 2).

    >>> load("a: [1, 2]", "x.yaml")[0]
    {'a': [1, 2]}
    >>> load("a: 1\\n b: 2", "x.yaml")
    Traceback (most recent call last):
    bot.errors.KnowledgeFileError: x.yaml:2: ogiltig YAML: mapping values are not allowed here
    """
    parser = loader(text)
    try:
        root = parser.get_single_node()
        if root is not None:
            _check_expansion(root, name)
        # What yaml.load does, keeping the node tree that it would throw away.
        return (parser.construct_document(root) if root is not None else None), root
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 + line_offset if mark is not None else None
        problem = getattr(exc, "problem", None) or "okänt fel"
        raise KnowledgeFileError(name, f"ogiltig YAML: {problem}", line=line) from None
    finally:
        parser.dispose()


def line_of(root: yaml.Node | None, loc: Loc) -> int | None:
    """Return the 1-based line of the value at `loc`, or of the deepest part of it that exists.

    >>> _, root = load("a:\\n  - b: 1\\n    c: 2\\n", "x.yaml")
    >>> line_of(root, ["a", 0, "c"]), line_of(root, ["a", 0, "saknas"]), line_of(root, [])
    (3, 2, 1)
    """
    node = root
    for key in loc:
        child = _child(node, key)
        if child is None:
            break  # a missing field is reported at the entry that lacks it
        node = child
    return node.start_mark.line + 1 if node is not None else None


def _child(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    """Return the value node under `key` (mapping key or list index), or None."""
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if k.value == str(key)), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        child: yaml.Node = node.value[key]
        return child
    return None


def first_error(exc: ValidationError) -> tuple[tuple[str | int, ...], str]:
    """Return where pydantic's first error is and what it says, in Swedish.

    >>> from pydantic import BaseModel
    >>> class Step(BaseModel):
    ...     number: int
    >>> try:
    ...     Step.model_validate({})
    ... except ValidationError as exc:
    ...     first_error(exc)
    (('number',), 'saknas')
    """
    error = exc.errors()[0]
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] in _MESSAGES:
        message = _MESSAGES[error["type"]].format(**error.get("ctx", {}))
    return tuple(error["loc"]), message
