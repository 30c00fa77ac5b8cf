"""Permits' read queries and answers, one module per area."""
