"""The public entry: an ALB in the public subnets; HTTPS with an ACM certificate when a domain is set."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
HEALTH_CHECK_PATH = "/healthz"


@dataclass(frozen=True, kw_only=True)
class LoadBalancerArgs:
    vpc_id: pulumi.Input[str]
    """The VPC of the target group."""
    subnet_ids: pulumi.Input[list[str]]
    """Public subnets, one per AZ."""
    security_group_id: pulumi.Input[str]
    """The ALB security group."""
    app_port: int
    """Port the api tasks listen on."""
    deletion_protection: bool
    """Refuse deletion of the load balancer."""
    domain: str | None
    """DNS name served over HTTPS; None serves plain HTTP on the ALB's own name."""
    hosted_zone_id: str | None
    """Route 53 zone that holds `domain`."""


class LoadBalancer(pulumi.ComponentResource):
    """Listens on 80 (redirecting to 443 when HTTPS is on) and forwards to the api target group."""

    url: pulumi.Output[str]
    dns_name: pulumi.Output[str]
    arn_suffix: pulumi.Output[str]
    target_group_arn: pulumi.Output[str]
    target_group_arn_suffix: pulumi.Output[str]

    def __init__(self, name: str, args: LoadBalancerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("postings:infra:LoadBalancer", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        alb = aws.lb.LoadBalancer(
            f"{name}-alb",
            load_balancer_type="application",
            internal=False,
            subnets=args.subnet_ids,
            security_groups=[args.security_group_id],
            drop_invalid_header_fields=True,
            desync_mitigation_mode="defensive",
            enable_deletion_protection=args.deletion_protection,
            idle_timeout=60,
            opts=child,
        )
        target_group = aws.lb.TargetGroup(
            f"{name}-api",
            port=args.app_port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=args.vpc_id,
            deregistration_delay=30,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                path=HEALTH_CHECK_PATH,
                matcher="200",
                interval=15,
                timeout=5,
                healthy_threshold=2,
                unhealthy_threshold=3,
            ),
            opts=child,
        )
        forward = [aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=target_group.arn)]
        if args.domain and args.hosted_zone_id:
            certificate = self._certificate(name, args.domain, args.hosted_zone_id)
            aws.lb.Listener(
                f"{name}-https",
                load_balancer_arn=alb.arn,
                port=443,
                protocol="HTTPS",
                ssl_policy=TLS_POLICY,
                certificate_arn=certificate,
                default_actions=forward,
                opts=child,
            )
            aws.lb.Listener(
                f"{name}-http",
                load_balancer_arn=alb.arn,
                port=80,
                protocol="HTTP",
                default_actions=[
                    aws.lb.ListenerDefaultActionArgs(
                        type="redirect",
                        redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                            port="443", protocol="HTTPS", status_code="HTTP_301"
                        ),
                    )
                ],
                opts=child,
            )
            aws.route53.Record(
                f"{name}-alias",
                zone_id=args.hosted_zone_id,
                name=args.domain,
                type="A",
                aliases=[
                    aws.route53.RecordAliasArgs(
                        name=alb.dns_name, zone_id=alb.zone_id, evaluate_target_health=True
                    )
                ],
                opts=child,
            )
            self.url = pulumi.Output.from_input(f"https://{args.domain}")
        else:
            aws.lb.Listener(
                f"{name}-http",
                load_balancer_arn=alb.arn,
                port=80,
                protocol="HTTP",
                default_actions=forward,
                opts=child,
            )
            self.url = alb.dns_name.apply(lambda dns: f"http://{dns}")
        self.dns_name = alb.dns_name
        self.arn_suffix = alb.arn_suffix
        self.target_group_arn = target_group.arn
        self.target_group_arn_suffix = target_group.arn_suffix
        self.register_outputs(
            {
                "url": self.url,
                "dns_name": self.dns_name,
                "arn_suffix": self.arn_suffix,
                "target_group_arn": self.target_group_arn,
                "target_group_arn_suffix": self.target_group_arn_suffix,
            }
        )

    def _certificate(self, name: str, domain: str, zone_id: str) -> pulumi.Output[str]:
        """An ACM certificate validated through DNS in the zone; returns its ARN once issued."""
        child = pulumi.ResourceOptions(parent=self)
        certificate = aws.acm.Certificate(
            f"{name}-certificate", domain_name=domain, validation_method="DNS", opts=child
        )
        option = certificate.domain_validation_options.apply(lambda options: options[0])
        record = aws.route53.Record(
            f"{name}-certificate-validation",
            zone_id=zone_id,
            name=option.apply(lambda o: o.resource_record_name or ""),
            type=option.apply(lambda o: o.resource_record_type or "CNAME"),
            records=[option.apply(lambda o: o.resource_record_value or "")],
            ttl=300,
            allow_overwrite=True,
            opts=child,
        )
        validation = aws.acm.CertificateValidation(
            f"{name}-certificate-issued",
            certificate_arn=certificate.arn,
            validation_record_fqdns=[record.fqdn],
            opts=child,
        )
        return validation.certificate_arn
