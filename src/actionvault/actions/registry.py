"""Engine names, as definition files write them, mapped to the handlers that perform them."""

from __future__ import annotations

from collections.abc import Mapping

from actionvault.actions.context import ActionHandler
from actionvault.actions.diagnostics import echo
from actionvault.actions.model import needs_model
from actionvault.actions.spelling_grammar import check_spelling_and_grammar

BUILTIN_ENGINES: Mapping[str, ActionHandler] = {
    "builtin.spelling_grammar": check_spelling_and_grammar,
    "builtin.echo": echo,
    "model": needs_model,
}
