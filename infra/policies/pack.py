"""The pulumi-policy adapter: each rule as a Resource- or StackValidationPolicy for the Pulumi engine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyComplianceFramework,
    PolicyProviderResource,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy import Severity as PolicySeverity

from infra.policies.evaluate import suppression_reason
from infra.policies.model import Enforcement, Resource, Rule, Stack, Status, as_mapping
from infra.policies.rules import RULES
from infra.policies.suppressions import declared

PACK_NAME = "postings-fsbp"
FRAMEWORK = "AWS Foundational Security Best Practices"
FRAMEWORK_VERSION = "1.0.0"
LISTING_POLICY = "suppressions-listed"
AWS_PROVIDER = "pulumi:providers:aws"

_LEVELS = {Enforcement.MANDATORY: EnforcementLevel.MANDATORY, Enforcement.ADVISORY: EnforcementLevel.ADVISORY}


def provider_tags(provider: PolicyProviderResource | None) -> dict[str, str]:
    """The default tags of the aws provider a resource is created with (JSON text or object)."""
    if provider is None or provider.resource_type != AWS_PROVIDER:
        return {}
    tags = as_mapping(as_mapping(provider.props.get("defaultTags")).get("tags"))
    return {str(k): str(v) for k, v in tags.items()}


def from_args(args: ResourceValidationArgs) -> Resource:
    return Resource(
        urn=args.urn,
        type=args.resource_type,
        name=args.name,
        props=args.props,
        provider_tags=provider_tags(args.provider),
    )


def from_stack_resource(resource: PolicyResource) -> Resource:
    """A stack resource; its references are the engine's property dependencies, known even in a preview."""
    refs: Mapping[str, tuple[str, ...]] = {
        prop: tuple(d.urn for d in dependencies)
        for prop, dependencies in resource.property_dependencies.items()
    }
    return Resource(
        urn=resource.urn,
        type=resource.resource_type,
        name=resource.name,
        props=resource.props,
        provider_tags=provider_tags(resource.provider),
        refs=refs,
    )


def _metadata(rule: Rule) -> dict[str, Any]:
    return {
        "enforcement_level": _LEVELS[rule.enforcement],
        "severity": PolicySeverity(str(rule.severity)),
        "framework": PolicyComplianceFramework(
            name=FRAMEWORK if rule.control != "platform" else "postings platform",
            version=FRAMEWORK_VERSION,
            reference=rule.control,
        ),
        "remediation_steps": rule.explanation,
        "tags": [rule.control],
    }


def resource_policy(rule: Rule) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        resource = from_args(args)
        if not rule.applies_to(resource):
            return
        status, messages = rule.evaluate(resource)
        if status is Status.NOT_APPLICABLE:
            args.not_applicable(f"{rule.id} does not apply to {resource.name}")
        if suppression_reason(rule, resource) is None:
            for message in messages:
                report_violation(message, None)

    return ResourceValidationPolicy(
        name=rule.id, description=rule.desired, validate=validate, **_metadata(rule)
    )


def stack_policy(rule: Rule) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        stack = Stack(tuple(from_stack_resource(r) for r in args.resources))
        for violation in rule.evaluate_stack(stack):
            if suppression_reason(rule, stack.get(violation.urn)) is None:
                report_violation(violation.message, violation.urn)

    return StackValidationPolicy(name=rule.id, description=rule.desired, validate=validate, **_metadata(rule))


def _list_suppressions(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    for resource in args.resources:
        for rule_id, reason in sorted(declared(from_stack_resource(resource).own_tags).items()):
            report_violation(f"{rule_id} suppressed on {resource.name}: {reason}", resource.urn)


def policies() -> list[Policy]:
    """Every rule, plus an advisory policy that lists each suppression so none is hidden in a preview."""
    found: list[Policy] = [stack_policy(r) if r.is_stack_rule else resource_policy(r) for r in RULES]
    found.append(
        StackValidationPolicy(
            name=LISTING_POLICY,
            description="Suppressions declared in the program, each with its reason (listed, never hidden).",
            validate=_list_suppressions,
            enforcement_level=EnforcementLevel.ADVISORY,
            severity=PolicySeverity.LOW,
        )
    )
    return found
