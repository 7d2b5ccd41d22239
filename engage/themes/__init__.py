"""Coding free-text answers into themes: codebook, review, reliability, discovery, summaries."""
