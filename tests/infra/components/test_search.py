"""Search domain: OpenSearch in the data subnets, encrypted, HTTPS only, open to the service roles only."""

from __future__ import annotations

import json

from infra.components.search import access_policy
from tests.infra.program import run

DOMAIN = "aws:opensearch/domain:Domain"


def test_access_policy_names_only_the_roles() -> None:
    document = json.loads(access_policy("arn:aws:es:eu-west-1:1:domain/d", ["arn:b", "arn:a"]))
    assert document["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:a", "arn:b"]},
            "Action": ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"],
            "Resource": "arn:aws:es:eu-west-1:1:domain/d/*",
        }
    ]


def test_dev_single_node_domain() -> None:
    result = run("dev")
    inputs = result.one(DOMAIN, "postings-dev-search-domain").inputs
    assert inputs["domainName"] == "postings-dev-search"
    assert inputs["engineVersion"] == "OpenSearch_2.19"
    assert inputs["clusterConfig"]["instanceType"] == "t3.small.search"
    assert inputs["clusterConfig"]["instanceCount"] == 1
    assert inputs["clusterConfig"]["zoneAwarenessEnabled"] is False
    assert inputs["encryptAtRest"] == {"enabled": True}
    assert inputs["nodeToNodeEncryption"] == {"enabled": True}
    assert inputs["domainEndpointOptions"] == {
        "enforceHttps": True,
        "tlsSecurityPolicy": "Policy-Min-TLS-1-2-2019-07",
    }
    data_a = result.one("aws:ec2/subnet:Subnet", "postings-dev-data-eu-west-1a")
    assert inputs["vpcOptions"]["subnetIds"] == [data_a.id]
    assert inputs["ebsOptions"] == {"ebsEnabled": True, "volumeType": "gp3", "volumeSize": 10}
    assert sorted(o["logType"] for o in inputs["logPublishingOptions"]) == [
        "ES_APPLICATION_LOGS",
        "INDEX_SLOW_LOGS",
        "SEARCH_SLOW_LOGS",
    ]


def test_prod_spreads_three_nodes_over_three_zones_with_masters() -> None:
    inputs = run("prod").one(DOMAIN, "postings-prod-search-domain").inputs
    cluster = inputs["clusterConfig"]
    assert (cluster["instanceType"], cluster["instanceCount"]) == ("r6g.large.search", 3)
    assert cluster["zoneAwarenessEnabled"] is True
    assert cluster["zoneAwarenessConfig"] == {"availabilityZoneCount": 3}
    assert (cluster["dedicatedMasterEnabled"], cluster["dedicatedMasterCount"]) == (True, 3)
    assert len(inputs["vpcOptions"]["subnetIds"]) == 3


def test_domain_policy_allows_exactly_the_api_and_worker_task_roles() -> None:
    result = run("dev")
    domain = result.one(DOMAIN, "postings-dev-search-domain")
    policy = json.loads(
        result.one("aws:opensearch/domainPolicy:DomainPolicy", "postings-dev-search-access").inputs[
            "accessPolicies"
        ]
    )
    roles = [
        result.one("aws:iam/role:Role", f"postings-dev-{s}-task-role").state["arn"] for s in ("api", "worker")
    ]
    assert policy["Statement"][0]["Principal"] == {"AWS": sorted(roles)}
    assert policy["Statement"][0]["Resource"] == f"{domain.state['arn']}/*"
