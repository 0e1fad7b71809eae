"""Nagios-compatible checks: one plugin per file, sharing the plugin contract and the thresholds."""
