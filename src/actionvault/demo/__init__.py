"""Demo content shipped with the package."""
