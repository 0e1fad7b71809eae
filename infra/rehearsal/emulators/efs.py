"""Amazon EFS: file systems, mount targets, access points, file system policies."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import Context, Resource, tags_list
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, Where, emulates, rule

_API = "https://docs.aws.amazon.com/efs/latest/ug"
CREATION_TOKEN = Naming(
    key="creationToken",
    max_length=64,
    source=f"{_API}/API_CreateFileSystem.html (CreationToken: 1-64 characters)",
)

_FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"


@rule(
    "efs-provisioned-throughput",
    _FILE_SYSTEM,
    prop="provisionedThroughputInMibps",
    summary="provisionedThroughputInMibps is set exactly when the throughput mode is provisioned",
    source=f"{_API}/API_CreateFileSystem.html (ProvisionedThroughputInMibps: required if ThroughputMode "
    "is provisioned)",
)
def _provisioned_throughput(ctx: Context, r: Resource) -> str | None:
    provisioned = r.get("throughputMode") == "provisioned"
    given = r.get("provisionedThroughputInMibps") is not None
    if provisioned and not given:
        return "throughputMode provisioned needs provisionedThroughputInMibps"
    if given and not provisioned:
        return (
            f"provisionedThroughputInMibps needs throughputMode provisioned, not {r.get('throughputMode')!r}"
        )
    return None


@rule(
    "efs-max-io-mode",
    _FILE_SYSTEM,
    prop="performanceMode",
    summary="maxIO performance is for Regional file systems in bursting or provisioned throughput mode",
    source=f"{_API}/performance.html (Max I/O is not supported on One Zone file systems or with Elastic "
    "throughput)",
)
def _max_io_mode(ctx: Context, r: Resource) -> str | None:
    if r.get("performanceMode") != "maxIO":
        return None
    if r.get("availabilityZoneName"):
        return "the maxIO performance mode is not supported on One Zone file systems"
    if r.get("throughputMode") == "elastic":
        return "the maxIO performance mode is not supported with the elastic throughput mode"
    return None


def _file_system_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    return {"dnsName": f"{name}.efs.{where.region}.amazonaws.com", "numberOfMountTargets": 0}


_TRANSITIONS = ("transitionToIa", "transitionToPrimaryStorageClass", "transitionToArchive")


@rule(
    "efs-kms-key-needs-encryption",
    _FILE_SYSTEM,
    prop="kmsKeyId",
    summary="A file system given a KMS key is encrypted",
    source=f"{_API}/API_CreateFileSystem.html (KmsKeyId: if you use KmsKeyId, Encrypted must be true)",
)
def _kms_key_needs_encryption(ctx: Context, r: Resource) -> str | None:
    if not r.get("kmsKeyId") or r.get("encrypted"):
        return None
    return "kmsKeyId is set, so encrypted must be true"


@rule(
    "efs-one-transition-per-lifecycle-policy",
    "aws:efs/fileSystem:FileSystem",
    prop="lifecyclePolicies",
    summary="Each lifecycle policy holds a single transition; two transitions are two policies",
    source="https://docs.aws.amazon.com/efs/latest/ug/API_PutLifecycleConfiguration.html (each "
    "LifecyclePolicy object can have only a single transition)",
)
def _one_transition_per_policy(ctx: Context, r: Resource) -> str | None:
    for index, policy in enumerate(r.get("lifecyclePolicies") or []):
        given = [key for key in _TRANSITIONS if isinstance(policy, dict) and policy.get(key)]
        if len(given) > 1:
            return (
                f"lifecyclePolicies[{index}] holds {' and '.join(given)}; give each transition its own policy"
            )
    return None


@emulates(
    _FILE_SYSTEM,
    note="create_file_system, put_lifecycle_configuration; the rules check the throughput and performance "
    "modes (moto does not)",
    replace_on={"availabilityZoneName", "creationToken", "encrypted", "kmsKeyId", "performanceMode"},
    naming=CREATION_TOKEN,
    arn="arn:{partition}:elasticfilesystem:{region}:{account}:file-system/{id}",
    id_prefix="fs",
    stateful="file system",
    computed=_file_system_outputs,
)
def file_system(ctx: Context, r: Resource) -> Emulated:
    token = r.physical_name()
    kwargs: dict[str, Any] = {
        "CreationToken": token,
        "PerformanceMode": r.get("performanceMode", "generalPurpose"),
        "Encrypted": bool(r.get("encrypted", False)),
        "ThroughputMode": r.get("throughputMode", "bursting"),
        "Tags": tags_list(r.get("tags")),
    }
    optional = {
        "kmsKeyId": "KmsKeyId",
        "provisionedThroughputInMibps": "ProvisionedThroughputInMibps",
        "availabilityZoneName": "AvailabilityZoneName",
    }
    kwargs.update({boto: r.get(key) for key, boto in optional.items() if r.get(key) is not None})
    created = ctx.aws(r, "throughputMode", "efs", "create_file_system", **kwargs)
    file_system_id = created["FileSystemId"]
    policies = [
        {
            boto: policy[key]
            for key, boto in (
                ("transitionToIa", "TransitionToIA"),
                ("transitionToPrimaryStorageClass", "TransitionToPrimaryStorageClass"),
                ("transitionToArchive", "TransitionToArchive"),
            )
            if policy.get(key)
        }
        for policy in r.get("lifecyclePolicies", [])
    ]
    if policies:
        ctx.aws(
            r,
            "lifecyclePolicies",
            "efs",
            "put_lifecycle_configuration",
            FileSystemId=file_system_id,
            LifecyclePolicies=policies,
        )
    return file_system_id, {
        "arn": created["FileSystemArn"],
        "creationToken": token,
        "dnsName": f"{file_system_id}.efs.{ctx.region}.amazonaws.com",
        "ownerId": created.get("OwnerId", ctx.account_id),
        "numberOfMountTargets": created.get("NumberOfMountTargets", 0),
        "sizeInBytes": [{"value": 0, "valueInIa": 0, "valueInStandard": 0}],
        "throughputMode": kwargs["ThroughputMode"],
        "performanceMode": kwargs["PerformanceMode"],
    }


@rule(
    "efs-mount-target-groups-in-vpc",
    "aws:efs/mountTarget:MountTarget",
    prop="securityGroups",
    summary="A mount target's security groups belong to its subnet's VPC",
    source=f"{_API}/API_CreateMountTarget.html (SecurityGroups: must be for the same VPC as the subnet;"
    " SecurityGroupNotFound)",
)
def _mount_target_groups(ctx: Context, r: Resource) -> str | None:
    subnet, groups = r.get("subnetId"), [str(g) for g in r.get("securityGroups") or []]
    if not subnet or not groups:
        return None
    ec2 = ctx.client("ec2")
    try:
        vpc = ec2.describe_subnets(SubnetIds=[str(subnet)])["Subnets"][0]["VpcId"]
        found = ec2.describe_security_groups(GroupIds=groups)["SecurityGroups"]
    except ec2.exceptions.ClientError:
        return None  # a missing subnet or group is refused by the call itself, naming it
    others = sorted(g["GroupId"] for g in found if g.get("VpcId") != vpc)
    return f"security group(s) {', '.join(others)} are not in the subnet's VPC {vpc}" if others else None


@emulates(
    "aws:efs/mountTarget:MountTarget",
    note="create_mount_target; moto refuses a second mount target in one zone and a subnet of another VPC "
    "than the file system's other mount targets",
    replace_on={"fileSystemId", "ipAddress", "ipAddressType", "ipv6Address", "subnetId"},
    naming=UNNAMED,
    arn="",
    id_prefix="fsmt",
)
def mount_target(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {
        "FileSystemId": r.get("fileSystemId"),
        "SubnetId": r.get("subnetId"),
        "SecurityGroups": list(r.get("securityGroups", [])),
    }
    if r.get("ipAddress"):
        kwargs["IpAddress"] = r.get("ipAddress")
    created = ctx.aws(r, "subnetId", "efs", "create_mount_target", **kwargs)
    file_system_id = str(r.get("fileSystemId"))
    zone = created.get("AvailabilityZoneName", "")
    return created["MountTargetId"], {
        "ipAddress": created.get("IpAddress", ""),
        "networkInterfaceId": created.get("NetworkInterfaceId", ""),
        "availabilityZoneName": zone,
        "availabilityZoneId": created.get("AvailabilityZoneId", ""),
        "ownerId": created.get("OwnerId", ctx.account_id),
        "fileSystemArn": ctx.arn("elasticfilesystem", f"file-system/{file_system_id}"),
        "dnsName": f"{file_system_id}.efs.{ctx.region}.amazonaws.com",
        "mountTargetDnsName": f"{zone}.{file_system_id}.efs.{ctx.region}.amazonaws.com",
    }


@emulates(
    "aws:efs/accessPoint:AccessPoint",
    note="create_access_point; the service model checks the root directory path and permissions",
    replace_on={"fileSystemId", "posixUser", "rootDirectory"},
    naming=UNNAMED,
    arn="arn:{partition}:elasticfilesystem:{region}:{account}:access-point/{id}",
    id_prefix="fsap",
)
def access_point(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {"FileSystemId": r.get("fileSystemId"), "Tags": tags_list(r.get("tags"))}
    user = r.get("posixUser")
    if user:
        kwargs["PosixUser"] = {
            "Uid": int(user["uid"]),
            "Gid": int(user["gid"]),
            **(
                {"SecondaryGids": [int(g) for g in user["secondaryGids"]]}
                if user.get("secondaryGids")
                else {}
            ),
        }
    root = r.get("rootDirectory")
    if root:
        directory: dict[str, Any] = {}
        if root.get("path"):
            directory["Path"] = root["path"]
        info = root.get("creationInfo")
        if info:
            directory["CreationInfo"] = {
                "OwnerUid": int(info["ownerUid"]),
                "OwnerGid": int(info["ownerGid"]),
                "Permissions": str(info["permissions"]),
            }
        kwargs["RootDirectory"] = directory
    created = ctx.aws(r, "rootDirectory", "efs", "create_access_point", **kwargs)
    file_system_id = str(r.get("fileSystemId"))
    return created["AccessPointId"], {
        "arn": created["AccessPointArn"],
        "fileSystemArn": ctx.arn("elasticfilesystem", f"file-system/{file_system_id}"),
        "ownerId": created.get("OwnerId", ctx.account_id),
    }


_POLICY = "aws:efs/fileSystemPolicy:FileSystemPolicy"


@rule(
    "efs-policy-json",
    _POLICY,
    prop="policy",
    summary="A file system policy is a JSON IAM policy document with a Statement",
    source="https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/efs/"
    "file_system_policy.go (policy: verify.ValidIAMPolicyJSON)",
)
def _policy_json(ctx: Context, r: Resource) -> str | None:
    policy = r.get("policy")
    if policy is None:
        return None
    try:
        document = json.loads(str(policy))
    except json.JSONDecodeError as err:
        return f"the policy is not valid JSON: {err}"
    if not isinstance(document, dict) or "Statement" not in document:
        return "the policy is not an IAM policy document (a JSON object with a Statement)"
    return None


@emulates(
    _POLICY,
    note="put_file_system_policy; the rule checks the document is JSON (moto does not)",
    replace_on={"fileSystemId"},
    naming=UNNAMED,
    arn="",
)
def file_system_policy(ctx: Context, r: Resource) -> Emulated:
    file_system_id = str(r.get("fileSystemId"))
    ctx.aws(
        r,
        "policy",
        "efs",
        "put_file_system_policy",
        FileSystemId=file_system_id,
        Policy=r.get("policy"),
        BypassPolicyLockoutSafetyCheck=bool(r.get("bypassPolicyLockoutSafetyCheck", False)),
    )
    return file_system_id, {}
