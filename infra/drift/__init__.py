"""Drift: what the live stack holds that its program does not declare, from `pulumi preview --refresh` in CI
or from the emulated account after a rehearsal, with known noise left out by one allowlist."""
