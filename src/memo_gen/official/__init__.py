"""What makes files fit for official correspondence: PDF/A (pdfa), signatures (signing),
the integrity manifest (manifest) and its check (verify)."""
