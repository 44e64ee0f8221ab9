"""Knowledge loading, passages and BM25 retrieval."""
