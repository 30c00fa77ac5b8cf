"""Callcenter's queries on its read models, one module per area."""
