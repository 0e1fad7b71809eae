"""Amazon EKS: no emulator (its inputs are model-checked, `modelcheck`); the rules AWS applies beyond it."""

from __future__ import annotations

from collections.abc import Mapping

from infra.rehearsal.emulation import Context, Resource
from infra.rehearsal.spec import rule

CLUSTER = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
API = "https://docs.aws.amazon.com/eks/latest/APIReference"


@rule(
    "eks-cluster-subnets-two-zones",
    CLUSTER,
    prop="vpcConfig.subnetIds",
    summary="A cluster's subnets are in at least two Availability Zones",
    source="https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html (when you create a cluster,"
    " you specify a VPC and at least two subnets that are in different Availability Zones)",
)
def _two_zones(ctx: Context, r: Resource) -> str | None:
    config = r.get("vpcConfig")
    subnet_ids = config.get("subnetIds") if isinstance(config, Mapping) else None
    if not subnet_ids:
        return None
    ec2 = ctx.client("ec2")
    try:
        subnets = ec2.describe_subnets(SubnetIds=[str(s) for s in subnet_ids])["Subnets"]
    except ec2.exceptions.ClientError:
        return None  # subnets this account does not hold (created elsewhere): nothing to judge
    zones = sorted({s["AvailabilityZone"] for s in subnets})
    if len(zones) < 2:
        return (
            f"the subnets are all in {', '.join(zones)}: EKS needs subnets in two Availability Zones or more"
        )
    return None


@rule(
    "eks-node-group-scaling-order",
    NODE_GROUP,
    prop="scalingConfig",
    summary="A node group's scaling sizes are in order: minSize <= desiredSize <= maxSize",
    source=f"{API}/API_NodegroupScalingConfig.html (desiredSize: greater than or equal to minSize and"
    " less than or equal to maxSize)",
)
def _scaling_order(ctx: Context, r: Resource) -> str | None:
    config = r.get("scalingConfig")
    if not isinstance(config, Mapping):
        return None
    low, desired, high = (config.get(k) for k in ("minSize", "desiredSize", "maxSize"))
    sizes = [s for s in (low, desired, high) if isinstance(s, int | float)]
    if len(sizes) == 3 and not low <= desired <= high:  # type: ignore[operator]
        return f"minSize {low:g} <= desiredSize {desired:g} <= maxSize {high:g} does not hold"
    return None


@rule(
    "eks-node-group-disk-size-or-template",
    NODE_GROUP,
    prop="diskSize",
    summary="A node group with a launch template sets the disk in the template, not diskSize",
    source=f"{API}/API_CreateNodegroup.html (diskSize: if you specify launchTemplate, then don't specify"
    " diskSize, or the node group deployment will fail)",
)
def _disk_size_or_template(ctx: Context, r: Resource) -> str | None:
    if r.get("diskSize") is not None and r.get("launchTemplate"):
        return "diskSize cannot be set beside a launchTemplate: give the volume size in the launch template"
    return None
