"""Declarative agent and action definitions, read from YAML."""
