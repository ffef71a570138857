"""Pure domain types: no I/O, no HTTP, no SQL, no vendor."""
