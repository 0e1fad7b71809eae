"""An independent scanner's view of a stack: its rehearsal plan as a Terraform JSON plan, scanned by checkov.

Usage:
    .venv/bin/python bench/checkov_plan.py prod                     # rehearse prod into a temp dir, scan it
    .venv/bin/python bench/checkov_plan.py prod --plan plan.json    # a plan from `infra rehearse prod --json`
    .venv/bin/python bench/checkov_plan.py prod --root /tmp/before  # rehearse another checkout (a worktree)
    options: --keep DIR (write DIR/<stack>.tf.json and DIR/<stack>.checkov.json), --checkov PATH
Before and after a commit: `git worktree add --detach /tmp/before <sha>^`, run with --root /tmp/before, then
without (or with a worktree of <sha>), and diff the two lists of failed checks. Exit 0 whatever checkov
finds; 2 when there is no plan or no checkov.

Checkov is not a dependency of the project; it runs from a venv of its own (default /tmp/checkov-venv, or
$CHECKOV / --checkov):
    python3 -m venv /tmp/checkov-venv && /tmp/checkov-venv/bin/pip install checkov==3.3.30
The version is printed with the results; the conversion was checked against 3.3.30.

Checkov runs as `checkov -f <stack>.tf.json --framework terraform_plan --output json --skip-download`. The
summary lists checkov's passed/failed counts and each failed check with its Terraform address and Pulumi
name, then the policy pack's findings carried in the same plan, so the two can be compared side by side
(`infra policy <stack>` prints the same findings).

The conversion (`terraform_plan`) writes what `terraform show -json` writes for a plan that creates every
resource: planned_values.root_module.resources, resource_changes (create, after_unknown, after_sensitive),
configuration.root_module.resources with `expressions`, and the aws provider's region in provider_config.
- Types: TERRAFORM_TYPES, pulumi-aws's own token mapping for the types our stacks use; other tokens follow
  the bridge's default rule (`aws:<module>/<name>:<Name>` <- `aws_<module>_<snake name>`) and are listed
  as derived in the output. Component resources and providers have no Terraform resource and are skipped.
- Attributes: camelCase -> snake_case; PLURAL_NAMES undoes the bridge's pluralisation of Terraform's
  singular block names (`defaultActions` <- `default_action`). Whether a value is a map (keys kept as
  written: tags, alarm dimensions), a nested block (a list of objects, as Terraform writes even a
  MaxItems=1 block) or a list comes from the installed pulumi-aws SDK's types for the resource.
- References: an input that is wholly `${urn.prop}` is unknown, as Terraform plans a value computed at
  apply time: left out of `values`, true in after_unknown (null inside a list), and in the configuration
  its expression carries `references` (`aws_lb.postings_prod_alb.arn`, `aws_lb.postings_prod_alb`), from
  which checkov connects resources for its graph checks. A reference inside a longer string (an ARN built
  from an id, a policy document) is written as the Terraform expression text (`${aws_s3_bucket.x.arn}`),
  so the document stays readable to checkov; a real plan would hold the resolved string.

Limits, printed with each run where they apply: only the inputs the program declares are there (no
provider defaults, no computed attributes), as in HCL configuration rather than a real plan; values the
rehearsal plan redacts are `[secret]` or, for non-string values, absent; checkov takes references from
top-level attributes only (also for real plans), so a reference inside a block (an ECS service's
network_configuration.security_groups) connects nothing in its graph.
"""

from __future__ import annotations

import argparse
import collections.abc
import importlib
import json
import os
import re
import subprocess
import sys
import tempfile
import typing
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CHECKOV = Path(os.environ.get("CHECKOV", "/tmp/checkov-venv/bin/checkov"))
TESTED_CHECKOV = "3.3.30"
PLAN_REDACTED = "[secret]"  # infra.rehearsal.plan.REDACTED, not imported so that --root needs no import

# Pulumi token -> Terraform type. From pulumi/pulumi-aws provider/cmd/pulumi-resource-aws/bridge-metadata.json
# ("renames" -> "resources", the provider's own record of which Terraform resource each token wraps). v7
# renamed the S3 V2 resources onto the old tokens: aws:s3/bucket:Bucket (aliased from bucketV2:BucketV2 in
# the installed SDK) is aws_s3_bucket, likewise the lifecycle and encryption configurations.
TERRAFORM_TYPES: Mapping[str, str] = {
    "aws:amp/workspace:Workspace": "aws_prometheus_workspace",
    "aws:appautoscaling/policy:Policy": "aws_appautoscaling_policy",
    "aws:appautoscaling/target:Target": "aws_appautoscaling_target",
    "aws:cloudwatch/dashboard:Dashboard": "aws_cloudwatch_dashboard",
    "aws:cloudwatch/logGroup:LogGroup": "aws_cloudwatch_log_group",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "aws_cloudwatch_log_resource_policy",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "aws_cloudwatch_metric_alarm",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "aws_default_security_group",
    "aws:ec2/eip:Eip": "aws_eip",
    "aws:ec2/flowLog:FlowLog": "aws_flow_log",
    "aws:ec2/instance:Instance": "aws_instance",
    "aws:ec2/internetGateway:InternetGateway": "aws_internet_gateway",
    "aws:ec2/natGateway:NatGateway": "aws_nat_gateway",
    "aws:ec2/routeTable:RouteTable": "aws_route_table",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "aws_route_table_association",
    "aws:ec2/securityGroup:SecurityGroup": "aws_security_group",
    "aws:ec2/subnet:Subnet": "aws_subnet",
    "aws:ec2/vpc:Vpc": "aws_vpc",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "aws_vpc_endpoint",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "aws_ecr_lifecycle_policy",
    "aws:ecr/repository:Repository": "aws_ecr_repository",
    "aws:ecs/cluster:Cluster": "aws_ecs_cluster",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": "aws_ecs_cluster_capacity_providers",
    "aws:ecs/service:Service": "aws_ecs_service",
    "aws:ecs/taskDefinition:TaskDefinition": "aws_ecs_task_definition",
    "aws:elasticache/replicationGroup:ReplicationGroup": "aws_elasticache_replication_group",
    "aws:elasticache/subnetGroup:SubnetGroup": "aws_elasticache_subnet_group",
    "aws:grafana/workspace:Workspace": "aws_grafana_workspace",
    "aws:iam/instanceProfile:InstanceProfile": "aws_iam_instance_profile",
    "aws:iam/role:Role": "aws_iam_role",
    "aws:iam/rolePolicy:RolePolicy": "aws_iam_role_policy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "aws_iam_role_policy_attachment",
    "aws:kms/key:Key": "aws_kms_key",
    "aws:lb/listener:Listener": "aws_lb_listener",
    "aws:lb/loadBalancer:LoadBalancer": "aws_lb",
    "aws:lb/targetGroup:TargetGroup": "aws_lb_target_group",
    "aws:mq/broker:Broker": "aws_mq_broker",
    "aws:opensearch/domain:Domain": "aws_opensearch_domain",
    "aws:opensearch/domainPolicy:DomainPolicy": "aws_opensearch_domain_policy",
    "aws:rds/instance:Instance": "aws_db_instance",
    "aws:rds/optionGroup:OptionGroup": "aws_db_option_group",
    "aws:rds/parameterGroup:ParameterGroup": "aws_db_parameter_group",
    "aws:rds/subnetGroup:SubnetGroup": "aws_db_subnet_group",
    "aws:s3/bucket:Bucket": "aws_s3_bucket",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": (
        "aws_s3_bucket_lifecycle_configuration"
    ),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "aws_s3_bucket_ownership_controls",
    "aws:s3/bucketPolicy:BucketPolicy": "aws_s3_bucket_policy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "aws_s3_bucket_public_access_block",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        "aws_s3_bucket_server_side_encryption_configuration"
    ),
    "aws:scheduler/schedule:Schedule": "aws_scheduler_schedule",
    "aws:secretsmanager/secret:Secret": "aws_secretsmanager_secret",
    "aws:secretsmanager/secretVersion:SecretVersion": "aws_secretsmanager_secret_version",
    "aws:sns/topic:Topic": "aws_sns_topic",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "aws_vpc_security_group_egress_rule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "aws_vpc_security_group_ingress_rule",
    "aws:wafv2/webAcl:WebAcl": "aws_wafv2_web_acl",
    "aws:wafv2/webAclAssociation:WebAclAssociation": "aws_wafv2_web_acl_association",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": (
        "aws_wafv2_web_acl_logging_configuration"
    ),
    # pulumi-random's mapping (random_password is its RandomPassword); checkov has no check on it.
    "random:index/randomPassword:RandomPassword": "random_password",
}
PROVIDERS = {"aws": "registry.terraform.io/hashicorp/aws", "random": "registry.terraform.io/hashicorp/random"}

# The bridge names a Terraform list or set with MaxItems != 1 in the plural (`default_action` ->
# `defaultActions`); these are the singular Terraform names behind the plural Pulumi names in our types,
# each as the Terraform AWS provider documents the block (website/docs/r/<type>.html.markdown). A Pulumi
# list not named here was plural in Terraform already (`log_publishing_options`, `redacted_fields`).
PLURAL_NAMES: Mapping[str, Mapping[str, str]] = {
    "aws_cloudwatch_metric_alarm": {"metricQueries": "metric_query"},
    "aws_db_option_group": {"options": "option"},
    "aws_db_parameter_group": {"parameters": "parameter"},
    "aws_ecr_repository": {"encryptionConfigurations": "encryption_configuration"},
    "aws_ecs_cluster": {"settings": "setting"},
    "aws_ecs_cluster_capacity_providers": {
        "defaultCapacityProviderStrategies": "default_capacity_provider_strategy"
    },
    "aws_ecs_service": {
        "capacityProviderStrategies": "capacity_provider_strategy",
        "loadBalancers": "load_balancer",
        "orderedPlacementStrategies": "ordered_placement_strategy",
    },
    "aws_ecs_task_definition": {"volumes": "volume"},
    "aws_elasticache_replication_group": {"logDeliveryConfigurations": "log_delivery_configuration"},
    "aws_iam_role": {"inlinePolicies": "inline_policy"},
    "aws_instance": {"ebsBlockDevices": "ebs_block_device", "networkInterfaces": "network_interface"},
    "aws_lb": {"subnetMappings": "subnet_mapping"},
    "aws_lb_listener": {"defaultActions": "default_action", "targetGroups": "target_group"},
    "aws_mq_broker": {"users": "user"},
    "aws_route_table": {"routes": "route"},
    "aws_s3_bucket_lifecycle_configuration": {
        "rules": "rule",
        "transitions": "transition",
        "noncurrentVersionTransitions": "noncurrent_version_transition",
    },
    "aws_s3_bucket_server_side_encryption_configuration": {"rules": "rule"},
    "aws_secretsmanager_secret": {"replicas": "replica"},
    "aws_wafv2_web_acl": {
        "rules": "rule",
        "ruleActionOverrides": "rule_action_override",
        "customResponseBodies": "custom_response_body",
        "statements": "statement",
        "excludedRules": "excluded_rule",
        "insertHeaders": "insert_header",
        "responseHeaders": "response_header",
        "textTransformations": "text_transformation",
        "ruleLabels": "rule_label",
    },
}

_REFERENCE = re.compile(r"\$\{(urn:pulumi:[^}]+)\}")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_TOKEN = re.compile(
    r"^(?P<package>[a-z0-9]+):(?P<module>[A-Za-z0-9]+)/(?P<member>[A-Za-z0-9]+):(?P<cls>\w+)$"
)


class ScanError(Exception):
    """The plan could not be made or scanned; the message says what to do."""


def snake(name: str) -> str:
    return _CAMEL_BOUNDARY.sub("_", name).lower()


def terraform_type(token: str) -> tuple[str, bool] | None:
    """(Terraform type, derived by the bridge's default rule rather than taken from TERRAFORM_TYPES), or
    None for a type with no Terraform resource (components, providers)."""
    if token in TERRAFORM_TYPES:
        return TERRAFORM_TYPES[token], False
    match = _TOKEN.match(token)
    if match is None or match["package"] not in PROVIDERS:
        return None
    return f"{match['package']}_{match['module'].lower()}_{snake(match['cls'])}", True


# The installed SDK's types: Pulumi property name -> declared type, per resource class and nested type.
Shape = Any


def _sdk_types(token: str) -> dict[str, Shape]:
    """Pulumi name -> type of each property of the resource `token`, from the installed SDK (empty when the
    SDK does not have it: every dict is then taken for a block, every key converted)."""
    from pulumi import _types

    match = _TOKEN.match(token)
    if match is None:
        return {}
    package = f"pulumi_{match['package']}"
    module = package if match["module"] == "index" else f"{package}.{match['module']}"
    try:
        cls = getattr(importlib.import_module(module), match["cls"])
    except (ImportError, AttributeError):
        return {}
    return dict(_types.resource_types(cls))


def _classify(shape: Shape) -> tuple[str, Shape]:
    """("map", value type) | ("list", element type) | ("object", {name: type}) | ("scalar", None)."""
    from pulumi import _types

    if shape is None:
        return "unknown", None
    shape = _types.unwrap_type(shape)
    origin: object = typing.get_origin(shape)
    args = typing.get_args(shape)
    if origin in (collections.abc.Mapping, dict):
        return "map", args[1] if len(args) == 2 else None
    if origin in (collections.abc.Sequence, list):
        return "list", args[0] if args else None
    if isinstance(shape, type) and _types.is_output_type(shape):
        return "object", dict(_types.output_type_types(shape))
    return "scalar", None


@dataclass
class Value:
    """One converted value: what `values` holds, what is unknown (after_unknown's shape), what is
    sensitive, its configuration expression, and whether it is a block (an object, not a map)."""

    known: Any
    unknown: Any = False
    sensitive: Any = False
    expression: Any = None
    omitted: bool = False
    block: bool = False

    def as_attribute(self) -> Value:
        """A block is a list of objects in Terraform's plan, a MaxItems=1 block too."""
        if not self.block:
            return self
        return Value([self.known], [self.unknown], [self.sensitive], [self.expression])


def references(expression: Any) -> list[str]:
    if isinstance(expression, list):
        return [ref for item in expression for ref in references(item)]
    if isinstance(expression, dict):
        if "references" in expression:
            return list(expression["references"])
        if "constant_value" in expression:
            return []
        return [ref for item in expression.values() for ref in references(item)]
    return []


def _constant_or_references(known: Any, refs: list[str]) -> dict[str, Any]:
    return {"references": refs} if refs else {"constant_value": known}


@dataclass
class Notes:
    """What the conversion could not carry over, for the report."""

    derived_types: Counter[str] = field(default_factory=Counter)
    skipped_types: Counter[str] = field(default_factory=Counter)
    unknown: dict[str, set[str]] = field(default_factory=dict)
    nested_references: Counter[str] = field(default_factory=Counter)
    embedded_references: Counter[str] = field(default_factory=Counter)
    redacted: Counter[str] = field(default_factory=Counter)
    dangling: Counter[str] = field(default_factory=Counter)
    untyped: Counter[str] = field(default_factory=Counter)


class Converter:
    def __init__(self, plan: Mapping[str, Any]) -> None:
        self.plan = plan
        self.notes = Notes()
        self.addresses: dict[str, str] = {}
        self.pulumi_names: dict[str, str] = {}
        taken: set[str] = set()
        for resource in plan["resources"]:
            mapped = terraform_type(resource["type"]) if resource["custom"] else None
            if mapped is None:
                self.notes.skipped_types[resource["type"]] += 1
                continue
            tf_type, derived = mapped
            if derived:
                self.notes.derived_types[f"{resource['type']} -> {tf_type}"] += 1
            base = re.sub(r"[^A-Za-z0-9_]", "_", resource["name"])
            if not re.match(r"[A-Za-z_]", base):
                base = f"r_{base}"
            name, n = base, 1
            while f"{tf_type}.{name}" in taken:
                n += 1
                name = f"{base}_{n}"
            address = f"{tf_type}.{name}"
            taken.add(address)
            self.addresses[resource["urn"]] = address
            self.pulumi_names[address] = resource["name"]

    def _resolve(self, inner: str) -> tuple[str, str] | None:
        """`urn.prop.path` -> (address, Terraform attribute), the URN being the longest known prefix."""
        cut = len(inner)
        while (cut := inner.rfind(".", 0, cut)) > 0:
            address = self.addresses.get(inner[:cut])
            if address is not None:
                prop = re.split(r"[.\[]", inner[cut + 1 :], maxsplit=1)[0]
                return address, snake(prop)
        return None

    def _string(self, text: str, address: str) -> Value:
        whole = _REFERENCE.fullmatch(text)
        if whole:
            resolved = self._resolve(whole[1])
            if resolved is None:
                self.notes.dangling[address] += 1
                return Value(None, unknown=True, omitted=True, expression={})
            target, prop = resolved
            return Value(
                None, unknown=True, omitted=True, expression={"references": [f"{target}.{prop}", target]}
            )
        refs: list[str] = []

        def to_expression(match: re.Match[str]) -> str:
            resolved = self._resolve(match[1])
            if resolved is None:
                self.notes.dangling[address] += 1
                return "${unknown}"
            self.notes.embedded_references[address] += 1
            refs.extend([f"{resolved[0]}.{resolved[1]}", resolved[0]])
            return f"${{{resolved[0]}.{resolved[1]}}}"

        known = _REFERENCE.sub(to_expression, text)
        if text == PLAN_REDACTED:
            return Value(text, sensitive=True, expression={"constant_value": text})
        return Value(known, expression=_constant_or_references(known, refs))

    def _value(self, value: Any, shape: Shape, tf_type: str, address: str, path: str) -> Value:
        kind, inner = _classify(shape)
        if isinstance(value, str):
            if value == PLAN_REDACTED and kind not in ("scalar", "unknown"):
                self.notes.redacted[f"{address}.{path}"] += 1
                return Value(None, sensitive=True, omitted=True, expression={})
            return self._string(value, address)
        if isinstance(value, list):
            items = [self._value(item, inner, tf_type, address, f"{path}[]") for item in value]
            known = [None if item.omitted else item.known for item in items]
            value_of = Value(known, [item.unknown for item in items], [item.sensitive for item in items])
            if any(item.block for item in items):
                value_of.expression = [item.expression for item in items]
            else:
                value_of.expression = _constant_or_references(
                    known, references([i.expression for i in items])
                )
            return value_of
        if isinstance(value, dict):
            if kind == "map":
                entries = {
                    key: self._value(item, inner, tf_type, address, path) for key, item in value.items()
                }
                mapped = self._object(entries)
                mapped.expression = _constant_or_references(mapped.known, references(mapped.expression))
                return mapped
            fields = inner if kind == "object" else {}
            entries = {
                attribute_name(tf_type, key): self._value(
                    item, fields.get(key), tf_type, address, f"{path}.{key}"
                ).as_attribute()
                for key, item in value.items()
            }
            block = self._object(entries)
            block.block = True
            return block
        return Value(value, expression={"constant_value": value})

    @staticmethod
    def _object(entries: Mapping[str, Value]) -> Value:
        return Value(
            {key: v.known for key, v in entries.items() if not v.omitted},
            unknown={key: v.unknown for key, v in entries.items() if _any_true(v.unknown)},
            sensitive={key: v.sensitive for key, v in entries.items() if _any_true(v.sensitive)},
            expression={key: v.expression for key, v in entries.items() if v.expression},
        )

    def resources(self) -> Iterator[tuple[Mapping[str, Any], str, Value]]:
        """(plan resource, address, converted values with their expressions) per converted resource."""
        for resource in self.plan["resources"]:
            address = self.addresses.get(resource["urn"])
            if address is None:
                continue
            tf_type = address.split(".", 1)[0]
            shapes = _sdk_types(resource["type"])
            entries: dict[str, Value] = {}
            for key, item in sorted(resource["inputs"].items()):
                attribute = attribute_name(tf_type, key)
                if key not in shapes:
                    self.notes.untyped[f"{resource['type']}.{key}"] += 1
                entries[attribute] = self._value(
                    item, shapes.get(key), tf_type, address, attribute
                ).as_attribute()
                if isinstance(entries[attribute].expression, list) and references(
                    entries[attribute].expression
                ):
                    self.notes.nested_references[address] += 1
            values = self._object(entries)
            self.notes.unknown[address] = set(unknown_paths(values.unknown))
            yield resource, address, values


def attribute_name(tf_type: str, pulumi_name: str) -> str:
    return PLURAL_NAMES.get(tf_type, {}).get(pulumi_name) or snake(pulumi_name)


def _any_true(marks: Any) -> bool:
    if isinstance(marks, dict):
        return any(_any_true(v) for v in marks.values())
    if isinstance(marks, list):
        return any(_any_true(v) for v in marks)
    return bool(marks)


def terraform_plan(plan: Mapping[str, Any]) -> tuple[dict[str, Any], Converter]:
    """The plan in `terraform show -json`'s format (format 1.2), and the converter with its notes."""
    converter = Converter(plan)
    planned: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    configuration: list[dict[str, Any]] = []
    for _, address, values in converter.resources():
        tf_type, name = address.split(".", 1)
        provider = PROVIDERS[tf_type.split("_", 1)[0]]
        common = {"address": address, "mode": "managed", "type": tf_type, "name": name}
        planned.append(
            {
                **common,
                "provider_name": provider,
                "schema_version": 0,
                "values": values.known,
                "sensitive_values": values.sensitive or {},
            }
        )
        changes.append(
            {
                **common,
                "provider_name": provider,
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": values.known,
                    "after_unknown": values.unknown or {},
                    "before_sensitive": False,
                    "after_sensitive": values.sensitive or {},
                },
            }
        )
        configuration.append(
            {
                **common,
                "provider_config_key": tf_type.split("_", 1)[0],
                "expressions": values.expression,
                "schema_version": 0,
            }
        )
    provider_config: dict[str, Any] = {}
    for resource in plan["resources"]:
        if resource["type"] == "pulumi:providers:aws" and resource["name"] == "aws":
            region = resource["inputs"].get("region")
            provider_config["aws"] = {
                "name": "aws",
                "full_name": PROVIDERS["aws"],
                "expressions": {"region": {"constant_value": region}} if region else {},
            }
    document = {
        "format_version": "1.2",
        # Not Terraform's: says which tool wrote the file. Checkov requires the key to read a plan.
        "terraform_version": "0.0.0+postings-rehearsal",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {"provider_config": provider_config, "root_module": {"resources": configuration}},
    }
    return document, converter


def read_plan(path: Path, what: str) -> dict[str, Any]:
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ScanError(
            f"{path}: cannot read a plan ({err}); write one with `infra rehearse STACK --json FILE`"
        ) from err
    if not isinstance(plan, dict) or "resources" not in plan:
        raise ScanError(f"{path}: not a plan written by `infra rehearse STACK --json FILE`")
    if plan.get("failure"):
        raise ScanError(f"{what} did not rehearse: {plan['failure'].get('message')}")
    return plan


def rehearse(stack: str, root: Path, out: Path) -> dict[str, Any]:
    """`infra rehearse STACK --json OUT` in the checkout `root` (its own code, this interpreter)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    command = [sys.executable, "-m", "infra.cli", "rehearse", stack, "--json", str(out)]
    proc = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    if not out.exists():
        raise ScanError(
            f"`infra rehearse {stack}` in {root} wrote no plan (exit {proc.returncode}):\n"
            + proc.stderr[-2000:]
        )
    return read_plan(out, f"`infra rehearse {stack}` in {root}")


def checkov_version(checkov: Path) -> str:
    if not checkov.exists():
        raise ScanError(
            f"no checkov at {checkov}: python3 -m venv /tmp/checkov-venv && "
            f"/tmp/checkov-venv/bin/pip install checkov=={TESTED_CHECKOV} (or pass --checkov PATH)"
        )
    proc = subprocess.run([str(checkov), "--version"], capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def run_checkov(checkov: Path, plan_file: Path) -> dict[str, Any]:
    command = [
        str(checkov),
        "-f",
        plan_file.name,
        "--framework",
        "terraform_plan",
        "--output",
        "json",
        "--skip-download",
    ]
    # Exit 1 means failed checks; anything but a JSON report on stdout is a failure of checkov itself.
    proc = subprocess.run(command, cwd=plan_file.parent, capture_output=True, text=True, check=False)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError as err:
        raise ScanError(
            f"checkov printed no JSON report (exit {proc.returncode}):\n{proc.stderr[-2000:]}"
        ) from err
    if isinstance(report, list):  # one report per framework; we asked for one
        report = next((r for r in report if r.get("check_type") == "terraform_plan"), {})
    if "results" not in report:
        # A file checkov parsed but found nothing to check in comes back as a bare summary.
        report = {"results": {"passed_checks": [], "failed_checks": [], "skipped_checks": []}, **report}
    return dict(report)


def unknown_paths(marks: Any, prefix: str = "") -> Iterator[str]:
    """after_unknown's true leaves as paths without list indices (`default_action/target_group_arn`)."""
    if isinstance(marks, dict):
        for key, inner in marks.items():
            yield from unknown_paths(inner, f"{prefix}/{key}" if prefix else key)
    elif isinstance(marks, list):
        for inner in marks:
            yield from unknown_paths(inner, prefix)
    elif marks is True:
        yield prefix


def _evaluated_unknown(check: Mapping[str, Any], unknown: set[str]) -> list[str]:
    """The attributes a check read that the plan leaves unknown (or that lie inside an unknown one)."""
    blind = set()
    for key in check.get("check_result", {}).get("evaluated_keys") or []:
        parts = [part for part in key.split("/") if not re.fullmatch(r"\[?\d+\]?|\*", part)]
        for depth in range(1, len(parts) + 1):
            if "/".join(parts[:depth]) in unknown:
                blind.add("/".join(parts[:depth]))
    return sorted(blind)


def summarise(
    stack: str, version: str, report: Mapping[str, Any], converter: Converter, plan: Mapping[str, Any]
) -> str:
    notes = converter.notes
    summary = report.get("summary", {})
    results = report["results"]
    lines = [
        f"{stack}: checkov {version} over {len(converter.addresses)} Terraform resources "
        f"({sum(notes.skipped_types.values())} Pulumi resources with no Terraform counterpart skipped)",
        f"checkov: {summary.get('passed', 0)} passed, {summary.get('failed', 0)} failed, "
        f"{summary.get('skipped', 0)} skipped, {summary.get('parsing_errors', 0)} parsing errors",
    ]
    failed = sorted(results["failed_checks"], key=lambda c: (c["check_id"], c["resource"]))
    if failed:
        lines.append("")
        lines.append("Failed checks (check, Terraform address, Pulumi name, check name):")
    for check in failed:
        address = check["resource"]
        lines.append(
            f"  {check['check_id']:<13} {address}  [{converter.pulumi_names.get(address, '?')}]  "
            f"{check['check_name']}"
        )
        blind = _evaluated_unknown(check, notes.unknown.get(address, set()))
        if blind:
            lines.append(f"  {'':<13} evaluated {', '.join(blind)}, unknown in the plan (a reference)")
    unknown_passes = [
        (check["check_id"], check["resource"], blind)
        for check in results["passed_checks"]
        if (blind := _evaluated_unknown(check, notes.unknown.get(check["resource"], set())))
    ]
    if unknown_passes:
        lines.append("")
        lines.append(
            "Passed on an attribute the plan leaves unknown (the check saw a reference, not a value):"
        )
        for check_id, address, blind in sorted(unknown_passes):
            lines.append(f"  {check_id:<13} {address}  {', '.join(blind)}")
    policy = plan.get("policy") or {}
    findings = policy.get("findings") or []
    lines.append("")
    lines.append(f"Policy pack on the same plan (`infra policy {stack}`): {len(findings)} findings")
    for finding in findings:
        lines.append(f"  {finding['enforcement']:<10} {finding['rule']:<32} {finding['name']}")
    for suppressed in policy.get("suppressed") or []:
        lines.append(f"  suppressed {suppressed['rule']:<32} {suppressed['name']}")
    lines.append("")
    lines.append("Conversion limits in this plan:")
    lines.append("  only declared inputs: provider defaults and computed attributes are absent, as in HCL")
    if notes.derived_types:
        lines.append(
            "  types by the default rule, not in TERRAFORM_TYPES: " + ", ".join(sorted(notes.derived_types))
        )
    if notes.untyped:
        lines.append(
            "  not in the installed SDK, every object taken for a block: " + ", ".join(sorted(notes.untyped))
        )
    if notes.redacted:
        lines.append("  redacted by the rehearsal, absent here: " + ", ".join(sorted(notes.redacted)))
    if notes.nested_references:
        lines.append(
            f"  references inside blocks (checkov connects top-level ones only): "
            f"{sum(notes.nested_references.values())} attributes on {len(notes.nested_references)} resources"
        )
    if notes.embedded_references:
        lines.append(
            f"  references inside strings, written as expression text: "
            f"{sum(notes.embedded_references.values())} in {len(notes.embedded_references)} resources"
        )
    if notes.dangling:
        lines.append(
            f"  references to resources with no Terraform resource, unknown: {sum(notes.dangling.values())}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("stack", help="dev, staging or prod")
    parser.add_argument("--plan", type=Path, help="a plan written by `infra rehearse STACK --json FILE`")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the checkout to rehearse (default: this one)"
    )
    parser.add_argument("--keep", type=Path, help="write <stack>.tf.json and <stack>.checkov.json here")
    parser.add_argument("--checkov", type=Path, default=DEFAULT_CHECKOV, help=f"default {DEFAULT_CHECKOV}")
    args = parser.parse_args(argv)
    try:
        version = checkov_version(args.checkov)
        with tempfile.TemporaryDirectory(prefix="checkov-plan-") as tmp:
            work = args.keep or Path(tmp)
            work.mkdir(parents=True, exist_ok=True)
            if args.plan:
                plan = read_plan(args.plan, str(args.plan))
            else:
                plan = rehearse(args.stack, args.root.resolve(), Path(tmp) / f"{args.stack}.plan.json")
            document, converter = terraform_plan(plan)
            plan_file = work / f"{args.stack}.tf.json"
            plan_file.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            report = run_checkov(args.checkov, plan_file)
            if args.keep:
                (work / f"{args.stack}.checkov.json").write_text(
                    json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8"
                )
    except ScanError as err:
        print(f"checkov_plan: {err}", file=sys.stderr)
        return 2
    if version != TESTED_CHECKOV:
        print(f"note: checkov {version}; this conversion was checked against {TESTED_CHECKOV}")
    print(summarise(args.stack, version, report, converter, plan))
    return 0


if __name__ == "__main__":
    sys.exit(main())
