"""Names, tags and the subnet plan, tested as plain functions (property-based for the CIDR plan)."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infra.naming import default_tags, physical_name, plan_subnets, prefix


def test_plan_for_a_slash_16_over_three_zones() -> None:
    plan = plan_subnets("10.10.0.0/16", 3)
    assert plan.app == ("10.10.0.0/18", "10.10.64.0/18", "10.10.128.0/18")
    assert plan.public == ("10.10.192.0/21", "10.10.200.0/21", "10.10.208.0/21")
    assert plan.data == ("10.10.224.0/21", "10.10.232.0/21", "10.10.240.0/21")


def test_plan_for_the_smallest_vpc() -> None:
    plan = plan_subnets("192.168.16.0/20", 2)
    assert plan.app == ("192.168.16.0/22", "192.168.20.0/22")
    assert plan.public == ("192.168.28.0/25", "192.168.28.128/25")
    assert plan.data == ("192.168.30.0/25", "192.168.30.128/25")


@pytest.mark.parametrize("bad", [0, 4])
def test_plan_refuses_zone_counts_it_cannot_place(bad: int) -> None:
    with pytest.raises(ValueError, match=f"az_count must be 1 to 3, got {bad}"):
        plan_subnets("10.0.0.0/16", bad)


vpcs = st.builds(
    lambda address, prefixlen: ipaddress.IPv4Network((address, prefixlen), strict=False),
    st.sampled_from(["10.0.0.0", "10.200.0.0", "172.16.0.0", "172.31.240.0", "192.168.0.0"]),
    st.integers(min_value=16, max_value=20),
)


@given(vpc=vpcs, zones=st.integers(min_value=1, max_value=3))
def test_subnets_lie_inside_the_vpc_and_never_overlap(vpc: ipaddress.IPv4Network, zones: int) -> None:
    plan = plan_subnets(str(vpc), zones)
    subnets = [ipaddress.IPv4Network(cidr) for cidr in plan.all()]
    assert len(subnets) == 3 * zones
    for subnet in subnets:
        assert subnet.subnet_of(vpc), f"{subnet} outside {vpc}"
    for index, a in enumerate(subnets):
        for b in subnets[index + 1 :]:
            assert not a.overlaps(b), f"{a} overlaps {b} in {vpc}"


@given(vpc=vpcs)
def test_adding_a_zone_never_moves_an_existing_subnet(vpc: ipaddress.IPv4Network) -> None:
    two, three = plan_subnets(str(vpc), 2), plan_subnets(str(vpc), 3)
    assert three.public[:2] == two.public
    assert three.app[:2] == two.app
    assert three.data[:2] == two.data


@given(vpc=vpcs)
def test_app_subnets_are_the_largest_tier(vpc: ipaddress.IPv4Network) -> None:
    plan = plan_subnets(str(vpc), 3)
    app = ipaddress.IPv4Network(plan.app[0]).num_addresses
    assert app == vpc.num_addresses // 4
    assert ipaddress.IPv4Network(plan.data[0]).num_addresses == vpc.num_addresses // 32
    # AWS reserves five addresses per subnet; even the smallest VPC leaves data subnets usable.
    assert ipaddress.IPv4Network(plan.data[0]).num_addresses - 5 >= 123


def test_default_tags_carry_the_five_keys() -> None:
    assert default_tags(environment="prod", stack="acme/prod", owner="payments") == {
        "Project": "postings",
        "Environment": "prod",
        "Stack": "acme/prod",
        "ManagedBy": "pulumi",
        "Owner": "payments",
    }


def test_physical_names_are_prefixed_lowercase_and_bounded() -> None:
    assert prefix("staging") == "postings-staging"
    domain = "aws:opensearch/domain:Domain"
    assert physical_name("staging", "Search", domain) == "postings-staging-search"
    with pytest.raises(
        ValueError, match="'postings-staging-search-domain' is 30 characters; at most 28 are allowed"
    ):
        physical_name("staging", "search-domain", domain)
