"""The ECS cluster both Fargate services run in, with Container Insights."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws


class Cluster(pulumi.ComponentResource):
    """Fargate and Fargate Spot capacity; tasks default to on-demand Fargate."""

    arn: pulumi.Output[str]
    cluster_name: pulumi.Output[str]

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("postings:infra:Cluster", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enhanced")],
            opts=child,
        )
        aws.ecs.ClusterCapacityProviders(
            f"{name}-capacity",
            cluster_name=cluster.name,
            capacity_providers=["FARGATE", "FARGATE_SPOT"],
            default_capacity_provider_strategies=[
                aws.ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs(
                    capacity_provider="FARGATE", weight=1, base=1
                )
            ],
            opts=child,
        )
        self.arn = cluster.arn
        self.cluster_name = cluster.name
        self.register_outputs({"arn": self.arn, "cluster_name": self.cluster_name})
