"""Benchmarks: SweFAQ retrieval quality and speed."""
