"""EC2 and VPC: default group closed, flow logs, IMDSv2, no public addresses, ingress only where intended."""

from __future__ import annotations

from collections.abc import Sequence

from infra.policies.model import Enforcement, Resource, Rule, Severity, Stack, Violation, as_list, as_mapping
from infra.policies.rules.common import INGRESS_TYPES, ingress_of

INSTANCE = "aws:ec2/instance:Instance"
SUBNET = "aws:ec2/subnet:Subnet"
VPC = "aws:ec2/vpc:Vpc"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
VOLUME = "aws:ebs/volume:Volume"
NACL = "aws:ec2/networkAcl:NetworkAcl"
NACL_RULE = "aws:ec2/networkAclRule:NetworkAclRule"

AUTHORISED_OPEN_PORTS = frozenset({80, 443})
# Security Hub's list for EC2.19.
HIGH_RISK_PORTS = (
    20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601,
    8080, 8088, 8888, 9200, 9300,
)  # fmt: skip


def _default_sg_closed(stack: Stack) -> list[Violation]:
    violations: list[Violation] = []
    for vpc in stack.of_type(VPC):
        managed = stack.referencing(vpc, (DEFAULT_SG,), "vpcId")
        if not managed:
            violations.append(
                Violation(vpc.urn, f"VPC {vpc.name}: its default security group keeps AWS's default rules")
            )
    for group in stack.of_type(DEFAULT_SG):
        open_directions = [d for d in ("ingress", "egress") if as_list(group.get(d))]
        if open_directions:
            violations.append(
                Violation(group.urn, f"{group.name} allows {' and '.join(open_directions)} traffic")
            )
    return violations


def _flow_logs(stack: Stack) -> list[Violation]:
    return [
        Violation(vpc.urn, f"VPC {vpc.name} has no flow log")
        for vpc in stack.of_type(VPC)
        if not stack.referencing(vpc, (FLOW_LOG,), "vpcId")
    ]


def _ec2_endpoint(stack: Stack) -> list[Violation]:
    def is_ec2_endpoint(endpoint: Resource) -> bool:
        return str(endpoint.get("serviceName", "")).endswith(".ec2")

    return [
        Violation(vpc.urn, f"VPC {vpc.name} has no interface endpoint for the EC2 API")
        for vpc in stack.of_type(VPC)
        if not [e for e in stack.referencing(vpc, (VPC_ENDPOINT,), "vpcId") if is_ec2_endpoint(e)]
    ]


def _volumes_encrypted(resource: Resource) -> Sequence[str]:
    if resource.type == VOLUME:
        return [] if resource.get("encrypted") is True else [f"volume {resource.name} is not encrypted"]
    devices = [("root volume", as_mapping(resource.get("rootBlockDevice")))]
    devices += [
        (f"volume {as_mapping(d).get('deviceName', '?')}", as_mapping(d))
        for d in as_list(resource.get("ebsBlockDevices"))
    ]
    return [
        f"{label} of {resource.name} is not encrypted"
        for label, d in devices
        if d.get("encrypted") is not True
    ]


def _imdsv2(resource: Resource) -> Sequence[str]:
    options = as_mapping(resource.get("metadataOptions"))
    if options.get("httpTokens") == "required" or options.get("httpEndpoint") == "disabled":
        return []
    return [f"{resource.name} accepts IMDSv1 (metadataOptions.httpTokens is {options.get('httpTokens')!r})"]


def _no_public_ip(resource: Resource) -> Sequence[str]:
    if resource.get("associatePublicIpAddress") is True:
        return [f"{resource.name} gets a public IPv4 address"]
    return []


def _subnet_no_public_ip(resource: Resource) -> Sequence[str]:
    if resource.get("mapPublicIpOnLaunch") is True:
        return [f"subnet {resource.name} assigns public IPv4 addresses on launch"]
    return []


def _one_eni(resource: Resource) -> Sequence[str]:
    count = len(as_list(resource.get("networkInterfaces")))
    return [f"{resource.name} attaches {count} network interfaces"] if count > 1 else []


def _authorised_ports(resource: Resource) -> Sequence[str]:
    problems = []
    for ingress in ingress_of(resource):
        if not ingress.open_to_internet:
            continue
        if (
            ingress.all_ports
            or not set(range(ingress.from_port, ingress.to_port + 1)) <= AUTHORISED_OPEN_PORTS
        ):
            problems.append(f"{resource.name} opens {ingress.describe()}")
    return problems


def _high_risk_ports(resource: Resource) -> Sequence[str]:
    problems = []
    for ingress in ingress_of(resource):
        if not ingress.open_to_internet:
            continue
        risky = [p for p in HIGH_RISK_PORTS if ingress.covers(p)]
        if risky:
            problems.append(
                f"{resource.name} opens high-risk port(s) {', '.join(map(str, risky))} "
                f"to {', '.join(ingress.cidrs)}"
            )
    return problems


def _nacl_admin_ports(resource: Resource) -> Sequence[str]:
    entries = (
        [resource.props]
        if resource.type == NACL_RULE
        else [as_mapping(e) for e in as_list(resource.get("ingress"))]
    )
    problems = []
    for entry in entries:
        if resource.type == NACL_RULE and entry.get("egress") is True:
            continue
        action = str(entry.get("ruleAction", entry.get("action", ""))).lower()
        cidr = entry.get("cidrBlock") or entry.get("ipv6CidrBlock")
        if action != "allow" or cidr not in ("0.0.0.0/0", "::/0"):
            continue
        protocol = str(entry.get("protocol", "")).lower()
        low, high = int(entry.get("fromPort") or 0), int(entry.get("toPort") or 65535)
        for port in (22, 3389):
            if protocol in ("-1", "all") or (protocol in ("6", "tcp") and low <= port <= high):
                problems.append(f"{resource.name} allows port {port} from {cidr}")
    return problems


RULES = (
    Rule(
        id="ec2-default-sg-closed",
        control="EC2.2",
        desired="Every VPC's default security group has no inbound and no outbound rules.",
        explanation="Anything launched without a group lands in the default one. Declare "
        "aws.ec2.DefaultSecurityGroup(vpc_id=..., ingress=[], egress=[]) for each VPC.",
        severity=Severity.HIGH,
        enforcement=Enforcement.MANDATORY,
        stack_check=_default_sg_closed,
    ),
    Rule(
        id="ec2-volumes-encrypted",
        control="EC2.3",
        desired="Every EBS volume, including instance root and attached volumes, is encrypted at rest.",
        explanation="Set encrypted=True on root_block_device, each ebs_block_device and aws.ebs.Volume; "
        "account-level default encryption (EC2.7) is not visible to a preview.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=(INSTANCE, VOLUME),
        check=_volumes_encrypted,
    ),
    Rule(
        id="ec2-vpc-flow-logs",
        control="EC2.6",
        desired="Every VPC has a flow log.",
        explanation="Flow logs are the only record of who talked to what. "
        "Declare aws.ec2.FlowLog(vpc_id=...) "
        "to CloudWatch Logs or S3 for each VPC.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        stack_check=_flow_logs,
    ),
    Rule(
        id="ec2-imdsv2",
        control="EC2.8",
        desired="EC2 instances require IMDSv2 session tokens.",
        explanation="IMDSv1 lets an SSRF read the instance role's credentials. Set "
        "metadata_options.http_tokens='required'.",
        severity=Severity.HIGH,
        enforcement=Enforcement.MANDATORY,
        types=(INSTANCE,),
        check=_imdsv2,
    ),
    Rule(
        id="ec2-no-public-ip",
        control="EC2.9",
        desired="EC2 instances have no public IPv4 address.",
        explanation="A public address puts the host on the internet; reach it through SSM Session Manager "
        "instead (associate_public_ip_address=False, private subnet).",
        severity=Severity.HIGH,
        enforcement=Enforcement.MANDATORY,
        types=(INSTANCE,),
        check=_no_public_ip,
    ),
    Rule(
        id="ec2-vpc-endpoint-ec2",
        control="EC2.10",
        desired="Every VPC has an interface endpoint for the EC2 API.",
        explanation="Calls to the EC2 API then stay on the AWS network instead of leaving through NAT. "
        "Declare aws.ec2.VpcEndpoint(service_name='com.amazonaws.<region>.ec2', "
        "vpc_endpoint_type='Interface').",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.ADVISORY,
        stack_check=_ec2_endpoint,
    ),
    Rule(
        id="ec2-subnet-no-auto-public-ip",
        control="EC2.15",
        desired="Subnets do not assign public IPv4 addresses on launch.",
        explanation="Set map_public_ip_on_launch=False; give an address explicitly where one is intended.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=(SUBNET,),
        check=_subnet_no_public_ip,
    ),
    Rule(
        id="ec2-single-eni",
        control="EC2.17",
        desired="EC2 instances use one network interface.",
        explanation="Several interfaces can bridge subnets that are meant to be apart; use one and route.",
        severity=Severity.LOW,
        enforcement=Enforcement.MANDATORY,
        types=(INSTANCE,),
        check=_one_eni,
    ),
    Rule(
        id="ec2-sg-open-only-authorised-ports",
        control="EC2.18",
        desired="Security groups admit 0.0.0.0/0 or ::/0 only on the authorised ports 80 and 443.",
        explanation="Restrict the source to known CIDRs or another security group; anything else open to the "
        "internet needs a suppression that says why.",
        severity=Severity.HIGH,
        enforcement=Enforcement.MANDATORY,
        types=INGRESS_TYPES,
        check=_authorised_ports,
    ),
    Rule(
        id="ec2-sg-no-open-high-risk-ports",
        control="EC2.19",
        desired="No security group opens a high-risk port (SSH, RDP, databases, ...) to 0.0.0.0/0 or ::/0.",
        explanation="These ports are scanned and brute-forced constantly. Limit the source to admin CIDRs or "
        "use SSM Session Manager.",
        severity=Severity.CRITICAL,
        enforcement=Enforcement.MANDATORY,
        types=INGRESS_TYPES,
        check=_high_risk_ports,
    ),
    Rule(
        id="ec2-nacl-no-open-admin-ports",
        control="EC2.21",
        desired="Network ACLs do not allow 0.0.0.0/0 or ::/0 in on ports 22 or 3389.",
        explanation="Narrow the rule's cidr_block to admin networks or deny the ports.",
        severity=Severity.MEDIUM,
        enforcement=Enforcement.MANDATORY,
        types=(NACL, NACL_RULE),
        check=_nacl_admin_ports,
    ),
)
