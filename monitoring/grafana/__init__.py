"""Grafana dashboards as code, rendered to JSON beside this module."""
