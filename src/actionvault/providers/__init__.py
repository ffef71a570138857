"""Language-model vendors behind the ModelProvider port."""
