"""The session id a request carries, in either form Vault accepts."""

from __future__ import annotations


def session_id_from_header(authorization: str | None) -> str | None:
    """`Authorization: {sessionId}` or `Authorization: Bearer {sessionId}`."""
    if not authorization:
        return None
    value = authorization.strip()
    scheme, _, rest = value.partition(" ")
    if scheme.lower() == "bearer":
        value = rest.strip()
    return value or None


def truncated_session_id(session_id: str) -> str:
    """Enough of the id to tell sessions apart in logs, never enough to use one."""
    return session_id[:10] + "..." if len(session_id) > 10 else session_id
