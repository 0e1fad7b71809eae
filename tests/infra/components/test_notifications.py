"""Notifications: an encrypted alert topic with the configured e-mail subscribed."""

from __future__ import annotations

from tests.infra.program import run


def test_topic_is_encrypted_and_has_no_subscription_without_an_address() -> None:
    result = run("dev")
    topic = result.one("aws:sns/topic:Topic", "postings-dev-alerts")
    assert topic.inputs["kmsMasterKeyId"] == "alias/aws/sns"
    assert result.by_type("aws:sns/topicSubscription:TopicSubscription") == []


def test_alert_email_is_subscribed() -> None:
    result = run("dev", alertEmail="oncall@example.com")
    subscription = result.one(
        "aws:sns/topicSubscription:TopicSubscription", "postings-dev-alerts-email"
    ).inputs
    assert (subscription["protocol"], subscription["endpoint"]) == ("email", "oncall@example.com")
    assert subscription["topic"] == result.one("aws:sns/topic:Topic", "postings-dev-alerts").state["arn"]
