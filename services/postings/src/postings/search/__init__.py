"""Full-text search behind one interface: SQL full-text (embedded, small deployments) or OpenSearch (AWS)."""
