"""What a server process tells its operators: metrics (and, later, traces and log context)."""
