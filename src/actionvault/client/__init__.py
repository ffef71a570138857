"""A Python client for Vault's AI Agent Actions API, for actionvault and for a real Vault alike.

It needs only httpx: install it where your scripts run, not where the server runs.

    vault = Vault("http://127.0.0.1:8700", username="admin@actionvault.demo", password="...")
    report = vault.actions.run(agent="quick_check__v", action="spelling_grammar__v",
                               document_id=1).json()

`AsyncVault` is the same surface for asyncio. Errors are in `actionvault.client.errors`, whose
docstring draws the tree; the most used ones are exported here.
"""

from actionvault.client._async import AsyncVault
from actionvault.client._base import DEFAULT_API_VERSION, RetryPolicy
from actionvault.client._sync import Vault
from actionvault.client.errors import (
    ApiLimitExceeded,
    AuthenticationFailed,
    ClientError,
    ConnectionFailed,
    ExecutionCancelled,
    ExecutionError,
    ExecutionFailed,
    InactiveUser,
    InsufficientAccess,
    InvalidData,
    InvalidResponse,
    InvalidSessionId,
    MalformedUrl,
    MethodNotSupported,
    NoPasswordProvided,
    OperationNotAllowed,
    ParameterRequired,
    RequestTimeout,
    TransportError,
    UnexpectedError,
    UserLockedOut,
    UsernameOrPasswordIncorrect,
    VaultError,
    WaitTimeout,
)
from actionvault.client.models import (
    Action,
    Agent,
    AgentActions,
    AgentDetail,
    CancelReceipt,
    ErrorDetail,
    Execution,
    ExecutionEvent,
    Output,
    Session,
)
from actionvault.client.webhook_models import DeliveryAttempt, Webhook, WebhookDelivery
from actionvault.client.webhook_signatures import WebhookVerificationError, verify_webhook

__all__ = [
    "DEFAULT_API_VERSION",
    "Action",
    "Agent",
    "AgentActions",
    "AgentDetail",
    "ApiLimitExceeded",
    "AsyncVault",
    "AuthenticationFailed",
    "CancelReceipt",
    "ClientError",
    "ConnectionFailed",
    "DeliveryAttempt",
    "ErrorDetail",
    "Execution",
    "ExecutionCancelled",
    "ExecutionError",
    "ExecutionEvent",
    "ExecutionFailed",
    "InactiveUser",
    "InsufficientAccess",
    "InvalidData",
    "InvalidResponse",
    "InvalidSessionId",
    "MalformedUrl",
    "MethodNotSupported",
    "NoPasswordProvided",
    "OperationNotAllowed",
    "Output",
    "ParameterRequired",
    "RequestTimeout",
    "RetryPolicy",
    "Session",
    "TransportError",
    "UnexpectedError",
    "UserLockedOut",
    "UsernameOrPasswordIncorrect",
    "Vault",
    "VaultError",
    "WaitTimeout",
    "Webhook",
    "WebhookDelivery",
    "WebhookVerificationError",
    "verify_webhook",
]
