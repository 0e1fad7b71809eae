"""SQS emulators: queues, policies and redrive policies are in moto as declared."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from infra.rehearsal.rehearse import Rehearsal
from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.fixture(scope="module")
def rehearsal() -> Iterator[Rehearsal]:
    with rehearse_case("sqs_fifo_queue_with_fifo_dead_letter_queue") as rehearsed:
        yield rehearsed


def test_fifo_queues_keep_the_suffix_and_the_redrive_policy(rehearsal: Rehearsal) -> None:
    client = rehearsal.session.client("sqs", region_name=rehearsal.account.region)
    orders = rehearsal.result.one("aws:sqs/queue:Queue", "orders")
    dlq = rehearsal.result.one("aws:sqs/queue:Queue", "orders-dlq")
    assert dlq.state["name"].endswith(".fifo"), dlq.urn
    attributes = client.get_queue_attributes(QueueUrl=orders.id, AttributeNames=["All"])["Attributes"]
    assert attributes["FifoQueue"] == "true", orders.urn
    assert json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"] == dlq.state["arn"], orders.urn
    assert spec_of(orders.type).arn_pattern().fullmatch(orders.state["arn"]), orders.state["arn"]
