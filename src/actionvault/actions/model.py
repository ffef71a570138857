"""`model`: actions that need a language model.

Until a model provider is configured the honest answer is a FAILURE that says so, never an
invented result.
"""

from __future__ import annotations

from actionvault.actions.context import ActionContext
from actionvault.domain.executions import ActionOutput
from actionvault.errors import ActionFailed


async def needs_model(context: ActionContext) -> list[ActionOutput]:
    raise ActionFailed(
        f"The action {context.execution.agent_action} needs a model provider, and this server "
        "has none configured. Configure a model provider, or run an action that the built-in "
        "engine performs offline, such as quick_check__v.spelling_grammar__v."
    )
