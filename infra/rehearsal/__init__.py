"""Run Pulumi Python programs offline: recording mocks now, an emulated AWS account behind them."""
