"""Alembic migrations for the postings schema."""
