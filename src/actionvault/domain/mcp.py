"""MCP sessions: a client's conversation with the MCP endpoint, owned by one user."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class McpSession:
    """What initialize agreed; `id_hash` is the stored form of the Mcp-Session-Id."""

    id_hash: str
    user_id: int
    protocol_version: str
    client_name: str
    client_version: str
    created_at: float
    expires_at: float
    #: Digest of the tool list last sent to the client, if it asked for one.
    tools_digest: str | None = None

    def expired(self, now: float) -> bool:
        return now >= self.expires_at

    @property
    def client_id(self) -> str:
        """The client as executions and the audit trail record it, in Vault's client-id form."""
        raw = "-".join(part for part in ("mcp", self.client_name, self.client_version) if part)
        cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in raw)
        return cleaned[:100]
