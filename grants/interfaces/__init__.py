"""Queries and writes, one module per area. Views call these and commit once."""
