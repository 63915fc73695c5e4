"""The visit record: read (loader, readers), checked (validate, fields, glyphs, codes,
limits) and described (model, schema). Imports no backend."""
