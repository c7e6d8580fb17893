-- Which backend computed each story embedding (classifier.transformer.embedding: torch-bf16, onnx-int8, onnx,
-- torch, sentence-transformers). Vectors of one model from two backends differ a little (int8: pair
-- cosines up to ~0.05 from fp32's; bf16: ~0.002), so a story link near the threshold may differ with the
-- machine that embedded its articles. Rows stored before this migration have none (unknown).
alter table article_embeddings add column backend varchar;
