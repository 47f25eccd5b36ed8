"""Full-text search over notes and their files (docs/search.md)."""
