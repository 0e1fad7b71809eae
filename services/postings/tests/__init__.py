"""Tests of the postings service; run from the repository root with pytest."""
