"""The MCP endpoint, `/api/ai/mcp`: Vault AI agent actions as Model Context Protocol tools.

Written by hand over JSON-RPC rather than on the official `mcp` SDK's server, because the
SDK keeps a session as an in-memory object with its own task group and streams: a session
lives in the process that opened it and dies with it. Here a session is a database row and
every request stands alone (authenticate, load the session, answer), so any API process
serves any request of any session, a restart loses none, and a cancel arriving at another
process still reaches the execution. The protocol surface served (initialize, ping,
tools/list, tools/call, progress, cancel, tools/list_changed) is small enough that owning it
costs less than adapting the SDK's session model; the SDK is used by the tests, as a client,
to hold the endpoint to the protocol.

    protocol   JSON-RPC messages, error codes, protocol revisions, SSE framing
    tools      agent actions as tools: definitions, arguments, results
    methods    what each method does
    transport  HTTP: authentication, sessions, Accept, POST / GET / DELETE
"""

from __future__ import annotations

from actionvault.api.mcp.transport import PATH, ROUTES

__all__ = ["PATH", "ROUTES"]
