"""Developer tools: stub generation and the dev check."""
