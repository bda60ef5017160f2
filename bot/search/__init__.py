"""Search: embeddings, the Chroma index, BM25, fusion and the hybrid retriever."""
