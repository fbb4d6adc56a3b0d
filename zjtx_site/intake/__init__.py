"""Stage 1: files to validated, frozen companies (field table, layout, YAML, validation, scaffold)."""
