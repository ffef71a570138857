"""Definition files' YAML, read safely: no nesting deep enough to exhaust the stack, no string
that is not text, and every problem reported with the file and line it is on."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode

from actionvault.errors import DefinitionError

#: Far deeper than any definition needs, far shallower than PyYAML's recursion can go.
MAX_DEPTH = 50


class _DefinitionLoader(yaml.SafeLoader):
    """SafeLoader that counts how deep the node it composes is, and checks its strings."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise ComposerError(
                    None,
                    None,
                    f"nested more than {MAX_DEPTH} levels deep; make the definition flatter",
                    event.start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_scalar(self, node: ScalarNode | MappingNode) -> Any:
        value = super().construct_scalar(node)
        if isinstance(value, str) and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ConstructorError(
                    None,
                    None,
                    "a string holds a lone surrogate (an escape such as \\ud800 without its "
                    "pair), which is not a character",
                    node.start_mark,
                ) from None
        return value


def load_yaml(text: str, origin: str) -> Any:
    """The document in `text`; DefinitionError names `origin` and the line of a problem."""
    try:
        return yaml.load(text, Loader=_DefinitionLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "not valid YAML"
        raise DefinitionError(f"{origin}{where}: not valid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{origin}: not valid YAML: {exc}") from None
