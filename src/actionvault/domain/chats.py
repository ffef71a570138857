"""Chats: a user's conversation about one document or record; its turns are its executions."""

from __future__ import annotations

from dataclasses import dataclass

from actionvault.domain.executions import Execution, Target


@dataclass(frozen=True, slots=True)
class Chat:
    id: str
    user_id: int
    target: Target
    created_at: float
    turns: int = 0


@dataclass(frozen=True, slots=True)
class ChatTurn:
    """One earlier exchange, as an action sees it: what was asked and what was answered."""

    message: str
    agent_action: str
    answer: str

    @classmethod
    def of(cls, execution: Execution) -> ChatTurn:
        if execution.outputs:
            answer = "\n".join(o.value for o in execution.outputs)
        elif execution.errors:
            answer = "; ".join(e.message for e in execution.errors)
        else:
            answer = ""
        return cls(execution.user_message or "", execution.agent_action, answer)
