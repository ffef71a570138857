"""Engine names, as definition files write them, mapped to the handlers that perform them."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from actionvault.actions.accessibility import check_accessibility_of_document
from actionvault.actions.ask_document import ask_document
from actionvault.actions.boxed_warning import detect_boxed_warning
from actionvault.actions.context import ActionContext, ActionHandler
from actionvault.actions.diagnostics import echo
from actionvault.actions.model import needs_model
from actionvault.actions.phrase_assessment import assess_promotional_phrases
from actionvault.actions.privacy_link import check_privacy_link
from actionvault.actions.record_actions import ask_record, summarize_record
from actionvault.actions.spelling_grammar import check_spelling_and_grammar
from actionvault.actions.summarize_document import summarize_document
from actionvault.actions.unsubscribe_link import check_unsubscribe_link
from actionvault.domain.executions import ActionOutput

BUILTIN_ENGINES: Mapping[str, ActionHandler] = {
    "builtin.spelling_grammar": check_spelling_and_grammar,
    "builtin.phrase_assessment": assess_promotional_phrases,
    "builtin.privacy_link": check_privacy_link,
    "builtin.boxed_warning": detect_boxed_warning,
    "builtin.unsubscribe_link": check_unsubscribe_link,
    "builtin.accessibility": check_accessibility_of_document,
    "builtin.summarize_document": summarize_document,
    "builtin.ask_document": ask_document,
    "builtin.summarize_record": summarize_record,
    "builtin.ask_record": ask_record,
    "builtin.echo": echo,
    "model": needs_model,
}

#: Engines whose work is CPU on the document's own text, whose time and memory follow what a
#: user uploaded: they run in the engine processes, where cancel and timeouts can stop them.
#: `builtin.echo` only waits and `model` only calls out, so both stay on the event loop.
ISOLATED_ENGINES = frozenset(BUILTIN_ENGINES) - {"builtin.echo", "model"}

_loop: asyncio.AbstractEventLoop | None = None


def run_isolated(engine: str, context: ActionContext) -> list[ActionOutput]:
    """An engine process's entry point: one built-in handler, on the process's own loop."""
    global _loop
    if _loop is None:
        _loop = asyncio.new_event_loop()
    return _loop.run_until_complete(BUILTIN_ENGINES[engine](context))


def warm_engines() -> None:
    """Load what the first execution in a new engine process would otherwise wait for."""
    from actionvault.text.proofreading import default_proofreader

    default_proofreader()
