"""Durable background execution: claim, run, finish, recover."""
