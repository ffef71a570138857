"""Everything the client raises, in one tree, so callers can catch as broadly as they need.

Vault answers HTTP 200 even when it refuses a request, with the reason as an error `type`
in the body; each known type has its own class here, so `except InvalidData` reads like the
API reference. Anything that never produced such an answer (no connection, a timeout, a proxy's
HTML page) is a `TransportError` instead, and the outcome of waiting for an execution is an
`ExecutionError`: those three branches need different handling, retrying, fixing the request,
or looking at the action.

    ClientError
    ├── VaultError                       a FAILURE or EXCEPTION answer; .type, .message, .request_id
    │   ├── AuthenticationFailed         (top-level errorType AUTHENTICATION_FAILED)
    │   │   ├── NoPasswordProvided       NO_PASSWORD_PROVIDED
    │   │   ├── UsernameOrPasswordIncorrect  USERNAME_OR_PASSWORD_INCORRECT
    │   │   ├── InactiveUser             INACTIVE_USER
    │   │   └── UserLockedOut            USER_LOCKED_OUT
    │   ├── InvalidSessionId             INVALID_SESSION_ID
    │   ├── ParameterRequired            PARAMETER_REQUIRED
    │   ├── InvalidData                  INVALID_DATA
    │   ├── InsufficientAccess           INSUFFICIENT_ACCESS
    │   ├── OperationNotAllowed          OPERATION_NOT_ALLOWED
    │   ├── MalformedUrl                 MALFORMED_URL
    │   ├── MethodNotSupported           METHOD_NOT_SUPPORTED
    │   ├── ApiLimitExceeded             API_LIMIT_EXCEEDED
    │   └── UnexpectedError              UNEXPECTED_ERROR (and any EXCEPTION answer)
    ├── TransportError                   no Vault answer to read
    │   ├── ConnectionFailed             refused, reset, DNS, TLS
    │   ├── RequestTimeout               one HTTP request took longer than the client's timeout
    │   └── InvalidResponse              not a Vault envelope (HTML, empty, unexpected HTTP status)
    └── ExecutionError                   wait() ended without SUCCESS; .execution
        ├── ExecutionFailed              actionStatus FAILURE; .errors
        ├── ExecutionCancelled           actionStatus CANCELLED
        └── WaitTimeout                  the wait's deadline passed; the execution still runs

An error type this client does not know (Vault has more than the AI endpoints use) is raised as
a plain `VaultError` carrying that type, so new server types never turn into crashes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from actionvault.client.models import ErrorDetail, Execution


class ClientError(Exception):
    """Base of everything the client raises."""


class VaultError(ClientError):
    """Vault answered, and refused: `responseStatus` FAILURE or EXCEPTION.

    `errors` holds every error of the answer; `type` and `message` are the first one's, and
    `request_id` is the answer's `X-VaultAPI-ExecutionId`, the id Vault support asks for.

        try: vault.agents.retrieve("nope__c")
        except VaultError as exc: print(exc.type, exc.request_id)
    """

    vault_type: ClassVar[str | None] = None

    def __init__(
        self,
        message: str,
        *,
        type: str | None = None,
        errors: tuple[ErrorDetail, ...] = (),
        request_id: str | None = None,
        response_status: str = "FAILURE",
        error_type: str | None = None,
    ) -> None:
        self.type = type or self.vault_type or "UNKNOWN"
        self.message = message
        self.errors = errors
        self.request_id = request_id
        self.response_status = response_status
        #: Vault's top-level `errorType`, e.g. AUTHENTICATION_FAILED on login failures.
        self.error_type = error_type
        super().__init__(f"{self.type}: {message}")


class AuthenticationFailed(VaultError):
    """The login call was refused; the subclass says why."""


class NoPasswordProvided(AuthenticationFailed):
    vault_type = "NO_PASSWORD_PROVIDED"


class UsernameOrPasswordIncorrect(AuthenticationFailed):
    vault_type = "USERNAME_OR_PASSWORD_INCORRECT"


class InactiveUser(AuthenticationFailed):
    vault_type = "INACTIVE_USER"


class UserLockedOut(AuthenticationFailed):
    vault_type = "USER_LOCKED_OUT"


class InvalidSessionId(VaultError):
    """The session is unknown, expired or ended; raised only when re-login is impossible."""

    vault_type = "INVALID_SESSION_ID"


class ParameterRequired(VaultError):
    vault_type = "PARAMETER_REQUIRED"


class InvalidData(VaultError):
    """A value is malformed or names something that does not exist or cannot be seen."""

    vault_type = "INVALID_DATA"


class InsufficientAccess(VaultError):
    vault_type = "INSUFFICIENT_ACCESS"


class OperationNotAllowed(VaultError):
    """The state or scope forbids it: an inactive action, a reused external_id, a finished
    execution that can no longer be cancelled."""

    vault_type = "OPERATION_NOT_ALLOWED"


class MalformedUrl(VaultError):
    """No such path, or an API version the server does not serve."""

    vault_type = "MALFORMED_URL"


class MethodNotSupported(VaultError):
    """Wrong HTTP method, or an AI endpoint on an API version older than the AI API."""

    vault_type = "METHOD_NOT_SUPPORTED"


class ApiLimitExceeded(VaultError):
    """Too many calls in Vault's window (logins per user name, for one); not retried by the
    client, because the window can be a minute long and the caller knows best whether to wait."""

    vault_type = "API_LIMIT_EXCEEDED"


class UnexpectedError(VaultError):
    """A fault on the server's side; retrying later may work, changing the request will not."""

    vault_type = "UNEXPECTED_ERROR"


class TransportError(ClientError):
    """No Vault answer could be read; `status_code` is set when an HTTP answer came at all."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        self.message = message
        self.status_code = status_code
        super().__init__(message)


class ConnectionFailed(TransportError):
    pass


class RequestTimeout(TransportError):
    pass


class InvalidResponse(TransportError):
    pass


class ExecutionError(ClientError):
    """An execution did not end in SUCCESS while waited for; `execution` is its last state."""

    def __init__(self, message: str, execution: Execution) -> None:
        self.execution = execution
        super().__init__(message)


class ExecutionFailed(ExecutionError):
    """The action ran and failed; `errors` holds the execution's errors (type, message)."""

    @property
    def errors(self) -> tuple[ErrorDetail, ...]:
        return self.execution.errors


class ExecutionCancelled(ExecutionError):
    pass


class WaitTimeout(ExecutionError):
    """The deadline passed first. The execution keeps running: wait again or cancel it."""


_BY_TYPE: dict[str, type[VaultError]] = {
    cls.vault_type: cls
    for cls in (
        NoPasswordProvided,
        UsernameOrPasswordIncorrect,
        InactiveUser,
        UserLockedOut,
        InvalidSessionId,
        ParameterRequired,
        InvalidData,
        InsufficientAccess,
        OperationNotAllowed,
        MalformedUrl,
        MethodNotSupported,
        ApiLimitExceeded,
        UnexpectedError,
    )
    if cls.vault_type is not None
}


def error_class(
    vault_type: str, *, response_status: str, error_type: str | None = None
) -> type[VaultError]:
    """The class for an answer's first error type. Unknown types still land on the right
    branch: EXCEPTION answers are server faults, AUTHENTICATION_FAILED ones login refusals
    (PASSWORD_CHANGE_REQUIRED, for one)."""
    found = _BY_TYPE.get(vault_type)
    if found is not None:
        return found
    if response_status == "EXCEPTION":
        return UnexpectedError
    return AuthenticationFailed if error_type == "AUTHENTICATION_FAILED" else VaultError
