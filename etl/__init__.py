"""Read ledgers (readers), decide what their cells mean (normalise) and merge them into the store (load)."""
