"""Transformer classifier: chunked MiniLM encoder, pooled chunk embeddings, heads for frames and slant."""

KIND = "transformer-minilm-chunks"  # card["kind"] of the model directories this subpackage writes and loads
