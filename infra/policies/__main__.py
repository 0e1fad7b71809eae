"""What `pulumi preview --policy-pack infra/policies` runs: serve every rule to the Pulumi engine."""

import sys
from pathlib import Path

# The analyzer runs this directory as the program; the `infra` package lives two levels up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from pulumi_policy import EnforcementLevel, PolicyPack

from infra.policies.pack import PACK_NAME, policies

PolicyPack(name=PACK_NAME, policies=policies(), enforcement_level=EnforcementLevel.ADVISORY)
