"""Ingest: knowledge files → text (loaders, formats, OCR repair) → chunks."""
