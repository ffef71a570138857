"""actionvault: AI agent actions on documents and object records, behind Vault's API."""

__version__ = "0.1.0"
