"""Alembic environment shared by every service database (kernel tables + service tables)."""
