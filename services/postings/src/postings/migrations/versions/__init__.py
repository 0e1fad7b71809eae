"""Alembic revision scripts, applied in order by `postings migrate`."""
