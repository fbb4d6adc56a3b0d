"""Stage 2: a Company to a typed Assessment (plugin host, engine, metrics, bands, rule sets, built-ins)."""
