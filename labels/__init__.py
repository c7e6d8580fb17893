"""Codebook and labeling workflow."""
