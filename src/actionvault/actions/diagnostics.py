"""`builtin.echo`: an action that answers at once or after a delay, for building clients.

Integration developers need an action whose timing and outcome they control to test polling,
timeouts and cancel; options `delay_seconds` and `fail_with` give them that. A delayed echo
reports progress each second (`progress` events), so that event streams can be tried too.
"""

from __future__ import annotations

import asyncio

from actionvault.actions.context import ActionContext
from actionvault.domain.executions import ActionOutput
from actionvault.errors import ActionFailed


async def echo(context: ActionContext) -> list[ActionOutput]:
    options = context.action.options
    delay = float(options.get("delay_seconds", 0))
    if delay > 0:
        steps = max(1, int(delay))
        for step in range(1, steps + 1):
            await context.report_progress(
                f"Waiting, step {step} of {steps}", part=step, parts=steps
            )
            await asyncio.sleep(delay / steps)
    if options.get("fail_with"):
        raise ActionFailed(str(options["fail_with"]))
    execution = context.execution
    parts = [f"{execution.agent_action} ran on {execution.target.describe()}"]
    if execution.user_message:
        parts.append(f"message: {execution.user_message}")
    if context.history:
        parts.append(f"after {len(context.history)} earlier turns")
    return [ActionOutput(type="text", value="; ".join(parts))]
