"""The postings service: a job-postings API with its outbox relay and search indexer."""
