"""The one exception tree of actionvault; each class carries the Vault error type it maps to.

The transport renders any of these as a Vault FAILURE envelope, so raising one is how the core
tells a client what went wrong. A class's docstring is its default message.

    ActionVaultError
    ├── AuthenticationError            (top-level errorType AUTHENTICATION_FAILED)
    │   ├── NoPasswordProvided         NO_PASSWORD_PROVIDED
    │   ├── UsernameOrPasswordIncorrect USERNAME_OR_PASSWORD_INCORRECT
    │   ├── InactiveUser               INACTIVE_USER
    │   └── UserLockedOut              USER_LOCKED_OUT
    ├── InvalidSessionId               INVALID_SESSION_ID
    ├── ParameterRequired              PARAMETER_REQUIRED
    ├── InvalidData                    INVALID_DATA
    ├── InsufficientAccess             INSUFFICIENT_ACCESS
    ├── OperationNotAllowed            OPERATION_NOT_ALLOWED
    ├── MalformedUrl                   MALFORMED_URL
    ├── MethodNotSupported             METHOD_NOT_SUPPORTED
    ├── AttributeNotSupported          ATTRIBUTE_NOT_SUPPORTED
    ├── ItemNameExists                 ITEM_NAME_EXISTS
    ├── ExceedsFileMaxSize             EXCEEDS_FILE_MAX_SIZE
    ├── ApiLimitExceeded               API_LIMIT_EXCEEDED
    └── UnexpectedError                UNEXPECTED_ERROR
        └── ServiceUnavailable         UNEXPECTED_ERROR (responseStatus EXCEPTION)

Separate from the tree, `ActionFailed` is raised by an action handler to end one execution
with FAILURE; it never reaches a client as an envelope error, only as the execution's errors.
"""

from __future__ import annotations

from typing import ClassVar


class ActionVaultError(Exception):
    """The request could not be completed."""

    vault_type: ClassVar[str] = "UNEXPECTED_ERROR"
    #: Vault's top-level `errorType`, present on authentication failures only.
    error_category: ClassVar[str | None] = None
    #: FAILURE for what the caller can correct; EXCEPTION for trouble on the server's side.
    response_status: ClassVar[str] = "FAILURE"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or (self.__doc__ or "").strip()
        super().__init__(self.message)


class AuthenticationError(ActionVaultError):
    """Authentication failed."""

    error_category = "AUTHENTICATION_FAILED"


class NoPasswordProvided(AuthenticationError):
    """No password was provided for the login call."""

    vault_type = "NO_PASSWORD_PROVIDED"


class UsernameOrPasswordIncorrect(AuthenticationError):
    """Authentication failed for user: the username or password is incorrect."""

    vault_type = "USERNAME_OR_PASSWORD_INCORRECT"


class InactiveUser(AuthenticationError):
    """The user is inactive or does not exist."""

    vault_type = "INACTIVE_USER"


class UserLockedOut(AuthenticationError):
    """The user is locked out after too many failed logins; try again later."""

    vault_type = "USER_LOCKED_OUT"


class InvalidSessionId(ActionVaultError):
    """Invalid or expired session ID."""

    vault_type = "INVALID_SESSION_ID"


class ParameterRequired(ActionVaultError):
    """A required parameter is missing."""

    vault_type = "PARAMETER_REQUIRED"

    @classmethod
    def named(cls, *names: str) -> ParameterRequired:
        """The error for a missing parameter, in Vault's wording."""
        joined = "] or [".join(names)
        return cls(f"Missing required parameter [{joined}]")


class InvalidData(ActionVaultError):
    """The request holds invalid data."""

    vault_type = "INVALID_DATA"

    @classmethod
    def for_parameter(cls, name: str, value: object, why: str = "") -> InvalidData:
        """The error for a bad parameter value, in Vault's wording."""
        suffix = f": {why}" if why else ""
        return cls(f"Invalid value [{value}] for parameter [{name}] specified{suffix}")


class InsufficientAccess(ActionVaultError):
    """You do not have permission to perform this operation."""

    vault_type = "INSUFFICIENT_ACCESS"


class OperationNotAllowed(ActionVaultError):
    """The operation is not allowed in the current state."""

    vault_type = "OPERATION_NOT_ALLOWED"


class MalformedUrl(ActionVaultError):
    """The resource at this URL does not exist."""

    vault_type = "MALFORMED_URL"


class MethodNotSupported(ActionVaultError):
    """This HTTP method is not supported on this resource."""

    vault_type = "METHOD_NOT_SUPPORTED"


class AttributeNotSupported(ActionVaultError):
    """The request names a field that this resource does not have."""

    vault_type = "ATTRIBUTE_NOT_SUPPORTED"


class ItemNameExists(ActionVaultError):
    """An item with this name exists already."""

    vault_type = "ITEM_NAME_EXISTS"


class ExceedsFileMaxSize(ActionVaultError):
    """The file is larger than this server accepts."""

    vault_type = "EXCEEDS_FILE_MAX_SIZE"


class ApiLimitExceeded(ActionVaultError):
    """Too many requests; wait and try again."""

    vault_type = "API_LIMIT_EXCEEDED"


class UnexpectedError(ActionVaultError):
    """An unexpected error occurred on the server; it has been logged."""

    vault_type = "UNEXPECTED_ERROR"


class ServiceUnavailable(UnexpectedError):
    """The database cannot be reached at the moment; retry the request in a few seconds."""

    response_status = "EXCEPTION"


class ActionFailed(Exception):
    """An action could not produce its outputs; the message is shown to the caller as is."""

    def __init__(self, message: str, vault_type: str = "OPERATION_NOT_ALLOWED") -> None:
        self.message = message
        self.vault_type = vault_type
        super().__init__(message)

    def __reduce__(self) -> tuple[type[ActionFailed], tuple[str, str]]:
        # Raised in an engine process and re-raised here: keep the Vault type on the way.
        return (type(self), (self.message, self.vault_type))


class DefinitionError(Exception):
    """An agent definition file is invalid; startup stops with this message."""
