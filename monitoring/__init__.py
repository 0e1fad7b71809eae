"""Monitoring as code: the shared thresholds, Grafana dashboards and Nagios-compatible checks."""
