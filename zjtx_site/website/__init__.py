"""Stage 4: page values to content/ and site/ (staging and reuse, mkdocs, serve, publish)."""
