"""The semantic layer: sentence embeddings that let a question in a member's own words find
the passage BM25 ranks too low. Optional (the `semantic` extra); without it, BM25 alone."""
