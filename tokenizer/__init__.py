"""Tokenise the future revenue of real-world assets on an EVM chain."""
