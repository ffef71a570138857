"""What each action does, written against the content it runs on (and, later, a model)."""
