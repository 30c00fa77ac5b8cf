"""The registry's queries and answer models, one module per area."""
