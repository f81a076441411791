"""Connectors: where careloop meets the platforms communities live on (see base.py for the interface)."""
