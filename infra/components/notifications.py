"""The SNS topic alerts go to, encrypted, with the on-call e-mail subscribed when one is configured."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

SNS_MANAGED_KEY = "alias/aws/sns"


@dataclass(frozen=True, kw_only=True)
class NotificationsArgs:
    email: str | None
    """Address subscribed to the topic; AWS mails a confirmation link first."""


class Notifications(pulumi.ComponentResource):
    """Where alarms (and their OK transitions) are sent."""

    topic_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: NotificationsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("postings:infra:Notifications", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        topic = aws.sns.Topic(f"{name}-alerts", kms_master_key_id=SNS_MANAGED_KEY, opts=child)
        if args.email:
            aws.sns.TopicSubscription(
                f"{name}-alerts-email", topic=topic.arn, protocol="email", endpoint=args.email, opts=child
            )
        self.topic_arn = topic.arn
        self.register_outputs({"topic_arn": self.topic_arn})
