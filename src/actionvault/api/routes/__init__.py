"""One module per Vault resource family; each exports ROUTES."""
