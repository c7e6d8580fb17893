"""Prefect flows: thin tasks over library code."""
