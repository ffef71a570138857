"""CPU work on untrusted content, run in worker processes that can be killed."""

from actionvault.isolation.pool import EngineCrashed, EngineOutOfMemory, EnginePool

__all__ = ["EngineCrashed", "EngineOutOfMemory", "EnginePool"]
