"""Amazon EFS cases: file systems, mount targets, access points, file system policies."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import ZONES, network

UG = "https://docs.aws.amazon.com/efs/latest/ug"
FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
MOUNT_TARGET = "aws:efs/mountTarget:MountTarget"


def _file_system(**overrides: Any) -> aws.efs.FileSystem:
    args: dict[str, Any] = {
        "encrypted": True,
        "performance_mode": "generalPurpose",
        "throughput_mode": "elastic",
    }
    args.update(overrides)
    return aws.efs.FileSystem("shared", **args)


@valid("efs")
def efs_file_system_mounted_in_two_zones() -> None:
    net = network()
    shared = _file_system(lifecycle_policies=[{"transition_to_ia": "AFTER_30_DAYS"}])
    for index, subnet in enumerate(net.subnets):
        aws.efs.MountTarget(
            f"shared-{index}", file_system_id=shared.id, subnet_id=subnet.id, security_groups=[net.group.id]
        )


@valid("efs")
def efs_provisioned_throughput_access_point_and_policy() -> None:
    shared = _file_system(throughput_mode="provisioned", provisioned_throughput_in_mibps=64)
    aws.efs.AccessPoint(
        "app",
        file_system_id=shared.id,
        posix_user={"uid": 1000, "gid": 1000},
        root_directory={
            "path": "/app",
            "creation_info": {"owner_uid": 1000, "owner_gid": 1000, "permissions": "750"},
        },
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
    aws.efs.FileSystemPolicy("shared", file_system_id=shared.id, policy=json.dumps(policy))


@refused(
    "efs", token=FILE_SYSTEM, prop="provisionedThroughputInMibps", source=f"{UG}/API_CreateFileSystem.html"
)
def efs_provisioned_mode_without_throughput() -> None:
    _file_system(throughput_mode="provisioned")


@refused(
    "efs", token=FILE_SYSTEM, prop="provisionedThroughputInMibps", source=f"{UG}/API_CreateFileSystem.html"
)
def efs_throughput_given_in_bursting_mode() -> None:
    _file_system(throughput_mode="bursting", provisioned_throughput_in_mibps=128)


@refused("efs", token=FILE_SYSTEM, prop="performanceMode", source=f"{UG}/performance.html")
def efs_max_io_on_a_one_zone_file_system() -> None:
    _file_system(performance_mode="maxIO", throughput_mode="bursting", availability_zone_name=ZONES[0])


@refused("efs", token=FILE_SYSTEM, prop="performanceMode", source=f"{UG}/performance.html")
def efs_max_io_with_elastic_throughput() -> None:
    _file_system(performance_mode="maxIO")


@refused("efs", token=FILE_SYSTEM, prop="throughputMode", source=f"{UG}/API_CreateFileSystem.html")
def efs_throughput_mode_that_does_not_exist() -> None:
    _file_system(throughput_mode="burst")


@refused("efs", token=MOUNT_TARGET, prop="subnetId", source=f"{UG}/API_CreateMountTarget.html")
def efs_two_mount_targets_in_one_zone() -> None:
    net = network()
    extra = aws.ec2.Subnet("extra", vpc_id=net.vpc.id, cidr_block="10.0.2.0/24", availability_zone=ZONES[0])
    shared = _file_system()
    first = aws.efs.MountTarget("first", file_system_id=shared.id, subnet_id=net.subnets[0].id)
    aws.efs.MountTarget(
        "second",
        file_system_id=shared.id,
        subnet_id=extra.id,
        opts=pulumi.ResourceOptions(depends_on=[first]),
    )


@refused("efs", token=MOUNT_TARGET, prop="subnetId", source=f"{UG}/API_CreateMountTarget.html")
def efs_mount_targets_in_two_vpcs() -> None:
    here = network("here")
    there = network("there", cidr="10.8.0.0/16")
    shared = _file_system()
    first = aws.efs.MountTarget("first", file_system_id=shared.id, subnet_id=here.subnets[0].id)
    aws.efs.MountTarget(
        "second",
        file_system_id=shared.id,
        subnet_id=there.subnets[1].id,
        opts=pulumi.ResourceOptions(depends_on=[first]),
    )


@refused(
    "efs",
    token="aws:efs/accessPoint:AccessPoint",
    prop="rootDirectory",
    source=f"{UG}/API_CreateAccessPoint.html",
)
def efs_access_point_root_with_a_trailing_slash() -> None:
    aws.efs.AccessPoint("app", file_system_id=_file_system().id, root_directory={"path": "/data/app/"})


@refused(
    "efs",
    token="aws:efs/fileSystemPolicy:FileSystemPolicy",
    prop="policy",
    source="https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/efs/file_system_policy.go",
)
def efs_policy_that_is_not_json() -> None:
    aws.efs.FileSystemPolicy(
        "shared", file_system_id=_file_system().id, policy="Allow elasticfilesystem:ClientMount"
    )


@refused(
    "efs",
    token="aws:efs/mountTarget:MountTarget",
    prop="securityGroups",
    source="https://docs.aws.amazon.com/efs/latest/ug/API_CreateMountTarget.html",
)
def efs_mount_target_guarded_by_another_vpcs_group() -> None:
    net, other = network(), network("other", "10.1.0.0/16")
    aws.efs.MountTarget(
        "shared",
        file_system_id=_file_system().id,
        subnet_id=net.subnets[0].id,
        security_groups=[other.group.id],
    )


@valid("efs")
def efs_file_system_tiering_to_ia_archive_and_back() -> None:
    _file_system(
        lifecycle_policies=[
            {"transition_to_ia": "AFTER_30_DAYS"},
            {"transition_to_archive": "AFTER_90_DAYS"},
            {"transition_to_primary_storage_class": "AFTER_1_ACCESS"},
        ]
    )


@refused(
    "efs", token=FILE_SYSTEM, prop="lifecyclePolicies", source=f"{UG}/API_PutLifecycleConfiguration.html"
)
def efs_two_transitions_in_one_lifecycle_policy() -> None:
    _file_system(
        lifecycle_policies=[
            {"transition_to_ia": "AFTER_30_DAYS", "transition_to_primary_storage_class": "AFTER_1_ACCESS"}
        ]
    )


@valid("efs")
def efs_file_system_encrypted_with_its_own_key() -> None:
    _file_system(kms_key_id=aws.kms.Key("efs").arn)


@refused("efs", token=FILE_SYSTEM, prop="kmsKeyId", source=f"{UG}/API_CreateFileSystem.html")
def efs_kms_key_on_an_unencrypted_file_system() -> None:
    _file_system(encrypted=False, kms_key_id=aws.kms.Key("efs").arn)
