"""Use cases: the only API that the transport, the CLI and the workers call."""
