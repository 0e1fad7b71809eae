"""The Pulumi program for the postings platform and the tools that reason about it."""
