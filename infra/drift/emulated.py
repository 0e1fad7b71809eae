"""Drift on the emulated account: after a rehearsal, read back the live state of the types below through
boto3 and compare it with what the program declared (each registration's inputs), as `pulumi preview
--refresh` compares the refreshed state with the program. Only the properties each reader names are
compared, and only where the program declares them."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import botocore.exceptions

from infra.drift.allowlist import Entry
from infra.drift.paths import render
from infra.drift.report import DriftReport, PropertyDrift, ResourceDrift, filtered

if TYPE_CHECKING:
    import boto3

    from infra.rehearsal.engine import Registration
    from infra.rehearsal.rehearse import Rehearsal

SOURCE = "emulated account"
PROVIDER = "pulumi:providers:aws"
RULE_TYPES = (
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
)


class Gone(Exception):
    """The resource is no longer in the account."""


@dataclass(frozen=True)
class Stack:
    """What a reader may need beyond its own registration."""

    registrations: tuple[Registration, ...]
    default_tags: dict[str, str]

    def rule_ids(self, group_id: str) -> set[str]:
        return {
            str(r.id)
            for r in self.registrations
            if r.type in RULE_TYPES and r.inputs.get("securityGroupId") == group_id and r.id
        }


Reader = Callable[["boto3.Session", "Registration", Stack], list[PropertyDrift]]
READERS: dict[str, Reader] = {}


def reads(type_token: str) -> Callable[[Reader], Reader]:
    def register(reader: Reader) -> Reader:
        READERS[type_token] = reader
        return reader

    return register


def _same(declared: Any, live: Any) -> bool:
    if isinstance(declared, bool) or isinstance(live, bool):
        return declared is live or declared == live
    if isinstance(declared, int | float) and isinstance(live, int | float):
        return float(declared) == float(live)
    if isinstance(declared, list) and isinstance(live, list):
        if all(isinstance(item, str) for item in [*declared, *live]):
            return sorted(declared) == sorted(live)
        return len(declared) == len(live) and all(_same(a, b) for a, b in zip(declared, live, strict=True))
    if isinstance(declared, dict) and isinstance(live, dict):
        return declared.keys() == live.keys() and all(_same(declared[k], live[k]) for k in declared)
    return bool(declared == live)


def compare(inputs: dict[str, Any], live: dict[str, Any]) -> list[PropertyDrift]:
    """The declared properties among those read back whose live value differs."""
    found = []
    for prop, value in live.items():
        if prop not in inputs or inputs[prop] is None or _same(inputs[prop], value):
            continue
        kind = "removed" if value is None else "changed"
        found.append(PropertyDrift(render((prop,)), kind, inputs[prop], value))
    return found


def compare_tags(
    declared: dict[str, str] | None, defaults: dict[str, str], live: dict[str, str]
) -> list[PropertyDrift]:
    """Tags the resource declares must be there with their value; a key neither the resource nor the
    provider's defaultTags declare was added outside Pulumi. (A default tag missing from the live resource
    is not reported: the emulators do not apply defaultTags.)"""
    declared = dict(declared or {})
    found = []
    for key in sorted(declared.keys() | live.keys()):
        path = render(("tags", key))
        if key in declared and key not in live:
            found.append(PropertyDrift(path, "removed", declared[key], None))
        elif key in declared and live[key] != declared[key]:
            found.append(PropertyDrift(path, "changed", declared[key], live[key]))
        elif key not in declared and key in defaults and live[key] != defaults[key]:
            found.append(PropertyDrift(path, "changed", defaults[key], live[key]))
        elif key not in declared and key not in defaults:
            found.append(PropertyDrift(path, "added", None, live[key]))
    return found


def _pairs(tags: Iterable[Mapping[str, Any]], key: str = "Key", value: str = "Value") -> dict[str, str]:
    return {str(t[key]): str(t[value]) for t in tags}


def _code(err: botocore.exceptions.ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


@contextmanager
def _gone_on(resource_id: str, *codes: str) -> Iterator[None]:
    """A read whose AWS error is one of `codes` means the resource was deleted out of band: Gone."""
    try:
        yield
    except botocore.exceptions.ClientError as err:
        if _code(err) in codes:
            raise Gone(resource_id) from None
        raise


@reads("aws:cloudwatch/logGroup:LogGroup")
def _log_group(session: boto3.Session, r: Registration, stack: Stack) -> list[PropertyDrift]:
    logs = session.client("logs")
    name = str(r.state.get("name") or r.id)
    groups = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    group = next((g for g in groups if g["logGroupName"] == name), None)
    if group is None:
        raise Gone(name)
    live = {"retentionInDays": group.get("retentionInDays"), "kmsKeyId": group.get("kmsKeyId")}
    tags = logs.list_tags_for_resource(resourceArn=str(group["arn"]).removesuffix(":*"))["tags"]
    return compare(r.inputs, live) + compare_tags(r.inputs.get("tags"), stack.default_tags, tags)


@reads("aws:ecs/service:Service")
def _ecs_service(session: boto3.Session, r: Registration, stack: Stack) -> list[PropertyDrift]:
    ecs = session.client("ecs")
    name = str(r.inputs.get("name") or r.state.get("name"))
    found = ecs.describe_services(cluster=str(r.inputs["cluster"]), services=[name], include=["TAGS"])
    service = next((s for s in found["services"] if s.get("status") != "INACTIVE"), None)
    if service is None:
        raise Gone(name)
    # Not the deployment percentages or the grace period: moto does not keep them, so they would read
    # as drift on every emulated account.
    live = {
        "desiredCount": service.get("desiredCount"),
        "taskDefinition": service.get("taskDefinition"),
        "launchType": service.get("launchType"),
    }
    tags = _pairs(service.get("tags", []), "key", "value")
    return compare(r.inputs, live) + compare_tags(r.inputs.get("tags"), stack.default_tags, tags)


@reads("aws:rds/instance:Instance")
def _db_instance(session: boto3.Session, r: Registration, stack: Stack) -> list[PropertyDrift]:
    rds = session.client("rds")
    with _gone_on(str(r.id), "DBInstanceNotFound"):
        (db,) = rds.describe_db_instances(DBInstanceIdentifier=str(r.id))["DBInstances"]
    live = {
        "instanceClass": db.get("DBInstanceClass"),
        "allocatedStorage": db.get("AllocatedStorage"),
        "maxAllocatedStorage": db.get("MaxAllocatedStorage"),
        "backupRetentionPeriod": db.get("BackupRetentionPeriod"),
        "multiAz": db.get("MultiAZ"),
        "deletionProtection": db.get("DeletionProtection"),
        "publiclyAccessible": db.get("PubliclyAccessible"),
        "storageEncrypted": db.get("StorageEncrypted"),
        "iamDatabaseAuthenticationEnabled": db.get("IAMDatabaseAuthenticationEnabled"),
        "vpcSecurityGroupIds": [g["VpcSecurityGroupId"] for g in db.get("VpcSecurityGroups", [])],
    }
    tags = _pairs(db.get("TagList", []))
    return compare(r.inputs, live) + compare_tags(r.inputs.get("tags"), stack.default_tags, tags)


def _rule_text(rule: Mapping[str, Any]) -> str:
    protocol = "all" if rule["IpProtocol"] == "-1" else rule["IpProtocol"]
    ports = "" if rule.get("FromPort", -1) == -1 else f" {rule['FromPort']}"
    if ports and rule.get("ToPort") != rule.get("FromPort"):
        ports += f"-{rule['ToPort']}"
    peer = (
        rule.get("CidrIpv4")
        or rule.get("CidrIpv6")
        or rule.get("PrefixListId")
        or rule.get("ReferencedGroupInfo", {}).get("GroupId", "?")
    )
    return f"{rule['SecurityGroupRuleId']}: {protocol}{ports} {'to' if rule['IsEgress'] else 'from'} {peer}"


def _inline(rule: dict[str, Any], egress: bool) -> set[tuple[Any, ...]]:
    """The live rules one inline `ingress`/`egress` block of a SecurityGroup stands for."""
    protocol = str(rule.get("protocol", "")).replace("all", "-1")
    ports = (int(rule.get("fromPort", 0)), int(rule.get("toPort", 0)))
    peers = [*rule.get("cidrBlocks", []), *rule.get("ipv6CidrBlocks", []), *rule.get("securityGroups", [])]
    return {(egress, protocol, *ports, peer) for peer in peers}


def _signature(rule: Mapping[str, Any]) -> tuple[Any, ...]:
    peer = rule.get("CidrIpv4") or rule.get("CidrIpv6") or rule.get("ReferencedGroupInfo", {}).get("GroupId")
    return (rule["IsEgress"], rule["IpProtocol"], rule.get("FromPort", 0), rule.get("ToPort", 0), peer)


@reads("aws:ec2/securityGroup:SecurityGroup")
def _security_group(session: boto3.Session, r: Registration, stack: Stack) -> list[PropertyDrift]:
    """Its tags, and every rule that neither a rule resource of the stack nor its inline blocks declare:
    a rule added in the console is drift here, though `pulumi preview` of a group whose rules are separate
    resources does not show it."""
    ec2 = session.client("ec2")
    group_id = str(r.id)
    with _gone_on(group_id, "InvalidGroup.NotFound"):
        (group,) = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group_id]}])
    declared_ids = stack.rule_ids(group_id)
    inline = set().union(
        *(_inline(rule, False) for rule in r.inputs.get("ingress", [])),
        *(_inline(rule, True) for rule in r.inputs.get("egress", [])),
    )
    found = []
    for rule in sorted(rules["SecurityGroupRules"], key=lambda rule: str(rule["SecurityGroupRuleId"])):
        if rule["SecurityGroupRuleId"] in declared_ids or _signature(rule) in inline:
            continue
        found.append(
            PropertyDrift("egress" if rule["IsEgress"] else "ingress", "added", None, _rule_text(rule))
        )
    tags = _pairs(group.get("Tags", []))
    return compare_tags(r.inputs.get("tags"), stack.default_tags, tags) + found


def _security_group_rule(session: boto3.Session, r: Registration, stack: Stack) -> list[PropertyDrift]:
    ec2 = session.client("ec2")
    with _gone_on(str(r.id), "InvalidSecurityGroupRuleId.NotFound"):
        rules = ec2.describe_security_group_rules(SecurityGroupRuleIds=[str(r.id)])["SecurityGroupRules"]
    if not rules:
        raise Gone(str(r.id))
    rule = rules[0]
    live = {
        "ipProtocol": rule.get("IpProtocol"),
        "fromPort": rule.get("FromPort"),
        "toPort": rule.get("ToPort"),
        "cidrIpv4": rule.get("CidrIpv4"),
        "cidrIpv6": rule.get("CidrIpv6"),
        "prefixListId": rule.get("PrefixListId"),
        "referencedSecurityGroupId": rule.get("ReferencedGroupInfo", {}).get("GroupId"),
    }  # not the description: moto drops it from rules that reference a group
    return compare(r.inputs, live)


for _token in RULE_TYPES:
    reads(_token)(_security_group_rule)


@reads("aws:sns/topic:Topic")
def _topic(session: boto3.Session, r: Registration, stack: Stack) -> list[PropertyDrift]:
    sns = session.client("sns")
    with _gone_on(str(r.id), "NotFound"):
        attributes = sns.get_topic_attributes(TopicArn=str(r.id))["Attributes"]
    live = {
        "kmsMasterKeyId": attributes.get("KmsMasterKeyId"),
        "displayName": attributes.get("DisplayName"),
        "deliveryPolicy": attributes.get("DeliveryPolicy"),
    }
    tags = _pairs(sns.list_tags_for_resource(ResourceArn=str(r.id))["Tags"])
    return compare(r.inputs, live) + compare_tags(r.inputs.get("tags"), stack.default_tags, tags)


# SQS answers every attribute as a string.
_QUEUE_NUMBERS = {
    "visibilityTimeoutSeconds": "VisibilityTimeout",
    "messageRetentionSeconds": "MessageRetentionPeriod",
    "delaySeconds": "DelaySeconds",
    "maxMessageSize": "MaximumMessageSize",
    "receiveWaitTimeSeconds": "ReceiveMessageWaitTimeSeconds",
}


@reads("aws:sqs/queue:Queue")
def _queue(session: boto3.Session, r: Registration, stack: Stack) -> list[PropertyDrift]:
    sqs = session.client("sqs")
    with _gone_on(str(r.id), "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"):
        attributes = sqs.get_queue_attributes(QueueUrl=str(r.id), AttributeNames=["All"])["Attributes"]
    live: dict[str, Any] = {
        prop: int(attributes[name]) if name in attributes else None for prop, name in _QUEUE_NUMBERS.items()
    }
    live["sqsManagedSseEnabled"] = attributes.get("SqsManagedSseEnabled") == "true"
    live["kmsMasterKeyId"] = attributes.get("KmsMasterKeyId")
    tags = sqs.list_queue_tags(QueueUrl=str(r.id)).get("Tags", {})
    return compare(r.inputs, live) + compare_tags(r.inputs.get("tags"), stack.default_tags, tags)


@reads("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
def _public_access_block(session: boto3.Session, r: Registration, stack: Stack) -> list[PropertyDrift]:
    s3 = session.client("s3")
    with _gone_on(str(r.inputs["bucket"]), "NoSuchPublicAccessBlockConfiguration", "NoSuchBucket"):
        block = s3.get_public_access_block(Bucket=str(r.inputs["bucket"]))["PublicAccessBlockConfiguration"]
    live = {
        "blockPublicAcls": block.get("BlockPublicAcls"),
        "blockPublicPolicy": block.get("BlockPublicPolicy"),
        "ignorePublicAcls": block.get("IgnorePublicAcls"),
        "restrictPublicBuckets": block.get("RestrictPublicBuckets"),
    }
    return compare(r.inputs, live)


@reads("aws:ecr/repository:Repository")
def _repository(session: boto3.Session, r: Registration, stack: Stack) -> list[PropertyDrift]:
    ecr = session.client("ecr")
    with _gone_on(str(r.id), "RepositoryNotFoundException"):
        (repo,) = ecr.describe_repositories(repositoryNames=[str(r.id)])["repositories"]
    live = {
        "imageTagMutability": repo.get("imageTagMutability"),
        "imageScanningConfiguration": {
            "scanOnPush": repo.get("imageScanningConfiguration", {}).get("scanOnPush", False)
        },
    }
    tags = _pairs(ecr.list_tags_for_resource(resourceArn=str(repo["repositoryArn"]))["tags"])
    return compare(r.inputs, live) + compare_tags(r.inputs.get("tags"), stack.default_tags, tags)


@reads("aws:cloudwatch/metricAlarm:MetricAlarm")
def _alarm(session: boto3.Session, r: Registration, stack: Stack) -> list[PropertyDrift]:
    cloudwatch = session.client("cloudwatch")
    alarms = cloudwatch.describe_alarms(AlarmNames=[str(r.id)])["MetricAlarms"]
    if not alarms:
        raise Gone(str(r.id))
    alarm = alarms[0]
    live = {
        "threshold": alarm.get("Threshold"),
        "comparisonOperator": alarm.get("ComparisonOperator"),
        "evaluationPeriods": alarm.get("EvaluationPeriods"),
        "datapointsToAlarm": alarm.get("DatapointsToAlarm"),
        "period": alarm.get("Period"),
        "statistic": alarm.get("Statistic"),
        "treatMissingData": alarm.get("TreatMissingData"),
        "actionsEnabled": alarm.get("ActionsEnabled"),
        "alarmActions": alarm.get("AlarmActions"),
        "okActions": alarm.get("OKActions"),
    }
    return compare(r.inputs, live)


def _default_tags(registrations: Sequence[Registration]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for r in registrations:
        raw = r.inputs.get("defaultTags") if r.type == PROVIDER else None
        value = json.loads(raw) if isinstance(raw, str) else raw
        if isinstance(value, dict):
            tags.update({str(k): str(v) for k, v in (value.get("tags") or {}).items()})
    return tags


def read_drift(
    session: boto3.Session, registrations: Sequence[Registration]
) -> tuple[list[ResourceDrift], Counter[str]]:
    """Every supported resource that differs from its inputs, and the count of resources not compared by
    type."""
    stack = Stack(tuple(registrations), _default_tags(registrations))
    drifted: list[ResourceDrift] = []
    not_compared: Counter[str] = Counter()
    for r in registrations:
        if not r.custom or r.type == PROVIDER:
            continue
        reader = READERS.get(r.type)
        if reader is None:
            not_compared[r.type] += 1
            continue
        try:
            properties = reader(session, r, stack)
        except Gone:
            drifted.append(ResourceDrift(r.urn, r.type, r.name, "create"))
            continue
        if properties:
            drifted.append(ResourceDrift(r.urn, r.type, r.name, "update", tuple(properties)))
    return drifted, not_compared


def emulated_drift(rehearsal: Rehearsal, allowlist: Sequence[Entry]) -> DriftReport:
    """The drift of the rehearsed stack's emulated account, its known noise left out."""
    registrations = rehearsal.result.registrations
    found, not_compared = read_drift(rehearsal.session, registrations)
    ignore = {r.urn: r.ignore_changes for r in registrations if r.ignore_changes}
    drifted, left_out = filtered(found, allowlist, ignore)
    compared = [r.type for r in registrations if r.type in READERS]
    note = (
        f"compared {len(compared)} resources of {len(set(compared))} types; "
        f"{sum(not_compared.values())} resources of {len(not_compared)} other types have no reader "
        "(infra/drift/emulated.py)"
    )
    return DriftReport(rehearsal.result.stack, SOURCE, drifted, left_out, (note,))
