"""Output backends: each renders a document model into one file format."""
