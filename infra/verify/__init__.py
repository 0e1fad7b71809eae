"""`infra verify`: run the monitoring checks against a deployed (or emulated) environment."""
