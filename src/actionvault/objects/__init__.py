"""Declarative object definitions (YAML), like Vault's Object components."""
