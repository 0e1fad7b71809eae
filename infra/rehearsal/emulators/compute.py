"""Compute and delivery on the emulated account: IAM, ECR, ECS, autoscaling, EC2 instances."""

from __future__ import annotations

import json
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Emulated,
    EmulationError,
    Resource,
    emulates,
    tag_specifications,
    tags_list,
)


@emulates("aws:iam/role:Role", note="create_role")
def iam_role(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name(max_length=64)
    kwargs: dict[str, Any] = {
        "RoleName": name,
        "AssumeRolePolicyDocument": r.get("assumeRolePolicy"),
        "Path": r.get("path", "/"),
        "MaxSessionDuration": int(r.get("maxSessionDuration", 3600)),
        "Tags": tags_list(r.get("tags")),
    }
    if r.get("description"):
        kwargs["Description"] = r.get("description")
    role = ctx.aws(r, "assumeRolePolicy", "iam", "create_role", **kwargs)["Role"]
    for index, attached in enumerate(r.get("managedPolicyArns", [])):
        ctx.aws(
            r, f"managedPolicyArns[{index}]", "iam", "attach_role_policy", RoleName=name, PolicyArn=attached
        )
    return name, {
        "arn": role["Arn"],
        "name": name,
        "uniqueId": role["RoleId"],
        "createDate": "",
        "path": role["Path"],
    }


@emulates("aws:iam/rolePolicy:RolePolicy", note="put_role_policy")
def iam_role_policy(ctx: Context, r: Resource) -> Emulated:
    role = str(r.get("role"))
    name = r.physical_name(max_length=128)
    ctx.aws(
        r, "policy", "iam", "put_role_policy", RoleName=role, PolicyName=name, PolicyDocument=r.get("policy")
    )
    return f"{role}:{name}", {"name": name}


@emulates("aws:iam/policy:Policy", note="create_policy")
def iam_policy(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name(max_length=128)
    created = ctx.aws(
        r,
        "policy",
        "iam",
        "create_policy",
        PolicyName=name,
        PolicyDocument=r.get("policy"),
        Path=r.get("path", "/"),
    )["Policy"]
    return created["Arn"], {"arn": created["Arn"], "name": name, "policyId": created["PolicyId"]}


@emulates(
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    note="attach_role_policy; moto refuses a policy ARN that does not exist (NoSuchEntity)",
)
def iam_role_policy_attachment(ctx: Context, r: Resource) -> Emulated:
    role = str(r.get("role"))
    ctx.aws(r, "policyArn", "iam", "attach_role_policy", RoleName=role, PolicyArn=r.get("policyArn"))
    return f"{role}-{r.get('policyArn')}", {}


@emulates(
    "aws:iam/instanceProfile:InstanceProfile", note="create_instance_profile, add_role_to_instance_profile"
)
def iam_instance_profile(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name(max_length=128)
    profile = ctx.aws(
        r, "name", "iam", "create_instance_profile", InstanceProfileName=name, Path=r.get("path", "/")
    )["InstanceProfile"]
    if r.get("role"):
        ctx.aws(
            r, "role", "iam", "add_role_to_instance_profile", InstanceProfileName=name, RoleName=r.get("role")
        )
    return name, {"arn": profile["Arn"], "name": name, "uniqueId": profile["InstanceProfileId"]}


@emulates(
    "aws:ecr/repository:Repository",
    note="create_repository; moto refuses a name in use (RepositoryAlreadyExistsException)",
)
def ecr_repository(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name(lower=True)
    kwargs: dict[str, Any] = {
        "repositoryName": name,
        "imageTagMutability": r.get("imageTagMutability", "MUTABLE"),
        "tags": tags_list(r.get("tags")),
    }
    scanning = r.get("imageScanningConfiguration")
    if scanning:
        kwargs["imageScanningConfiguration"] = {"scanOnPush": bool(scanning.get("scanOnPush"))}
    encryption = r.get("encryptionConfigurations", [])
    if encryption:
        kwargs["encryptionConfiguration"] = {
            "encryptionType": encryption[0].get("encryptionType", "AES256"),
            **({"kmsKey": encryption[0]["kmsKey"]} if encryption[0].get("kmsKey") else {}),
        }
    repository = ctx.aws(r, "name", "ecr", "create_repository", **kwargs)["repository"]
    return name, {
        "name": name,
        "arn": repository["repositoryArn"],
        "registryId": repository["registryId"],
        "repositoryUrl": repository["repositoryUri"],
    }


@emulates("aws:ecr/lifecyclePolicy:LifecyclePolicy", note="put_lifecycle_policy")
def ecr_lifecycle_policy(ctx: Context, r: Resource) -> Emulated:
    repository = str(r.get("repository"))
    created = ctx.aws(
        r,
        "policy",
        "ecr",
        "put_lifecycle_policy",
        repositoryName=repository,
        lifecyclePolicyText=r.get("policy"),
    )
    return repository, {"registryId": created["registryId"]}


@emulates("aws:ecr/repositoryPolicy:RepositoryPolicy", note="set_repository_policy")
def ecr_repository_policy(ctx: Context, r: Resource) -> Emulated:
    repository = str(r.get("repository"))
    created = ctx.aws(
        r, "policy", "ecr", "set_repository_policy", repositoryName=repository, policyText=r.get("policy")
    )
    return repository, {"registryId": created["registryId"]}


@emulates("aws:ecs/cluster:Cluster", note="create_cluster")
def ecs_cluster(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    settings = [{"name": s["name"], "value": s["value"]} for s in r.get("settings", [])]
    cluster = ctx.aws(
        r,
        "name",
        "ecs",
        "create_cluster",
        clusterName=name,
        settings=settings,
        tags=tags_list(r.get("tags"), key="key", value="value"),
    )["cluster"]
    return cluster["clusterArn"], {"arn": cluster["clusterArn"], "name": name}


@emulates(
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    note="put_cluster_capacity_providers",
)
def ecs_capacity_providers(ctx: Context, r: Resource) -> Emulated:
    cluster = str(r.get("clusterName"))
    strategy = [
        {
            "capacityProvider": s["capacityProvider"],
            "weight": int(s.get("weight", 0)),
            "base": int(s.get("base", 0)),
        }
        for s in r.get("defaultCapacityProviderStrategies", [])
    ]
    ctx.aws(
        r,
        "capacityProviders",
        "ecs",
        "put_cluster_capacity_providers",
        cluster=cluster,
        capacityProviders=list(r.get("capacityProviders", [])),
        defaultCapacityProviderStrategy=strategy,
    )
    return cluster, {}


@emulates(
    "aws:ecs/taskDefinition:TaskDefinition",
    note="register_task_definition",
)
def ecs_task_definition(ctx: Context, r: Resource) -> Emulated:
    try:
        containers = json.loads(str(r.get("containerDefinitions")))
    except json.JSONDecodeError as err:
        raise EmulationError(
            r.urn, "containerDefinitions", "ClientException", f"invalid JSON: {err}"
        ) from err
    kwargs: dict[str, Any] = {"family": r.get("family"), "containerDefinitions": containers}
    optional = {
        "cpu": "cpu",
        "memory": "memory",
        "networkMode": "networkMode",
        "executionRoleArn": "executionRoleArn",
        "taskRoleArn": "taskRoleArn",
        "requiresCompatibilities": "requiresCompatibilities",
    }
    kwargs.update({boto: r.get(key) for key, boto in optional.items() if r.get(key) is not None})
    if r.get("volumes"):
        kwargs["volumes"] = [{"name": v["name"]} for v in r.get("volumes")]
    platform = r.get("runtimePlatform")
    if platform:
        kwargs["runtimePlatform"] = {
            "operatingSystemFamily": platform.get("operatingSystemFamily", "LINUX"),
            "cpuArchitecture": platform.get("cpuArchitecture", "X86_64"),
        }
    definition = ctx.aws(r, "containerDefinitions", "ecs", "register_task_definition", **kwargs)[
        "taskDefinition"
    ]
    arn = definition["taskDefinitionArn"]
    return str(r.get("family")), {
        "arn": arn,
        "arnWithoutRevision": arn.rsplit(":", 1)[0],
        "revision": definition["revision"],
    }


@emulates(
    "aws:ecs/service:Service",
    note="create_service",
)
def ecs_service(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "cluster": r.get("cluster"),
        "serviceName": name,
        "taskDefinition": r.get("taskDefinition"),
        "desiredCount": int(r.get("desiredCount", 1)),
        "tags": tags_list(r.get("tags"), key="key", value="value"),
        "enableECSManagedTags": bool(r.get("enableEcsManagedTags", False)),
    }
    if r.get("launchType"):
        kwargs["launchType"] = r.get("launchType")
    if r.get("platformVersion"):
        kwargs["platformVersion"] = r.get("platformVersion")
    if r.get("propagateTags"):
        kwargs["propagateTags"] = r.get("propagateTags")
    network = r.get("networkConfiguration")
    if network:
        kwargs["networkConfiguration"] = {
            "awsvpcConfiguration": {
                "subnets": list(network.get("subnets", [])),
                "securityGroups": list(network.get("securityGroups", [])),
                "assignPublicIp": "ENABLED" if network.get("assignPublicIp") else "DISABLED",
            }
        }
    balancers = [
        {
            "targetGroupArn": lb["targetGroupArn"],
            "containerName": lb["containerName"],
            "containerPort": int(lb["containerPort"]),
        }
        for lb in r.get("loadBalancers", [])
    ]
    if balancers:
        kwargs["loadBalancers"] = balancers
    if r.get("healthCheckGracePeriodSeconds") is not None:
        kwargs["healthCheckGracePeriodSeconds"] = int(r.get("healthCheckGracePeriodSeconds"))
    deployment: dict[str, Any] = {}
    breaker = r.get("deploymentCircuitBreaker")
    if breaker:
        deployment["deploymentCircuitBreaker"] = {
            "enable": bool(breaker["enable"]),
            "rollback": bool(breaker["rollback"]),
        }
    for prop, boto in (
        ("deploymentMinimumHealthyPercent", "minimumHealthyPercent"),
        ("deploymentMaximumPercent", "maximumPercent"),
    ):
        if r.get(prop) is not None:
            deployment[boto] = int(r.get(prop))
    if deployment:
        kwargs["deploymentConfiguration"] = deployment
    service = ctx.aws(r, "taskDefinition", "ecs", "create_service", **kwargs)["service"]
    return service["serviceArn"], {
        "name": name,
        "arn": service["serviceArn"],
        "cluster": service["clusterArn"],
    }


@emulates(
    "aws:appautoscaling/target:Target",
    note="register_scalable_target; moto looks the ECS service up",
)
def scaling_target(ctx: Context, r: Resource) -> Emulated:
    kwargs = {
        "ServiceNamespace": r.get("serviceNamespace"),
        "ResourceId": r.get("resourceId"),
        "ScalableDimension": r.get("scalableDimension"),
        "MinCapacity": int(r.get("minCapacity", 0)),
        "MaxCapacity": int(r.get("maxCapacity", 0)),
    }
    created = ctx.aws(r, "resourceId", "application-autoscaling", "register_scalable_target", **kwargs)
    arn = created.get("ScalableTargetARN") or ctx.arn(
        "application-autoscaling", f"scalable-target/{r.get('resourceId')}"
    )
    return str(r.get("resourceId")), {"arn": arn}


@emulates("aws:appautoscaling/policy:Policy", note="put_scaling_policy on the registered target")
def scaling_policy(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name(max_length=255)
    kwargs: dict[str, Any] = {
        "PolicyName": name,
        "ServiceNamespace": r.get("serviceNamespace"),
        "ResourceId": r.get("resourceId"),
        "ScalableDimension": r.get("scalableDimension"),
        "PolicyType": r.get("policyType", "StepScaling"),
    }
    tracking = r.get("targetTrackingScalingPolicyConfiguration")
    if tracking:
        config: dict[str, Any] = {"TargetValue": float(tracking["targetValue"])}
        for prop, boto in (("scaleInCooldown", "ScaleInCooldown"), ("scaleOutCooldown", "ScaleOutCooldown")):
            if tracking.get(prop) is not None:
                config[boto] = int(tracking[prop])
        predefined = tracking.get("predefinedMetricSpecification")
        if predefined:
            config["PredefinedMetricSpecification"] = {
                "PredefinedMetricType": predefined["predefinedMetricType"],
                **({"ResourceLabel": predefined["resourceLabel"]} if predefined.get("resourceLabel") else {}),
            }
        kwargs["TargetTrackingScalingPolicyConfiguration"] = config
    created = ctx.aws(
        r,
        "targetTrackingScalingPolicyConfiguration",
        "application-autoscaling",
        "put_scaling_policy",
        **kwargs,
    )
    return name, {
        "arn": created["PolicyARN"],
        "name": name,
        "alarmArns": [a["AlarmARN"] for a in created.get("Alarms", [])],
    }


@emulates(
    "aws:ec2/instance:Instance",
    note="run_instances with the AMI the getAmi invoke found in moto's catalogue",
)
def ec2_instance(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {
        "ImageId": r.get("ami"),
        "InstanceType": r.get("instanceType"),
        "MinCount": 1,
        "MaxCount": 1,
        "Monitoring": {"Enabled": bool(r.get("monitoring", False))},
        "EbsOptimized": bool(r.get("ebsOptimized", False)),
        "TagSpecifications": tag_specifications("instance", r.get("tags")),
    }
    groups = list(r.get("vpcSecurityGroupIds", []))
    if r.get("associatePublicIpAddress") is not None:
        kwargs["NetworkInterfaces"] = [
            {
                "DeviceIndex": 0,
                "SubnetId": r.get("subnetId"),
                "Groups": groups,
                "AssociatePublicIpAddress": bool(r.get("associatePublicIpAddress")),
            }
        ]
    else:
        kwargs["SubnetId"] = r.get("subnetId")
        kwargs["SecurityGroupIds"] = groups
    if r.get("iamInstanceProfile"):
        kwargs["IamInstanceProfile"] = {"Name": r.get("iamInstanceProfile")}
    if r.get("keyName"):
        kwargs["KeyName"] = r.get("keyName")
    metadata = r.get("metadataOptions")
    if metadata:
        kwargs["MetadataOptions"] = {
            "HttpEndpoint": metadata.get("httpEndpoint", "enabled"),
            "HttpTokens": metadata.get("httpTokens", "optional"),
            "HttpPutResponseHopLimit": int(metadata.get("httpPutResponseHopLimit", 1)),
        }
    root = r.get("rootBlockDevice")
    if root:
        kwargs["BlockDeviceMappings"] = [
            {
                "DeviceName": "/dev/xvda",
                "Ebs": {
                    "Encrypted": bool(root.get("encrypted", False)),
                    "VolumeType": root.get("volumeType", "gp3"),
                    "VolumeSize": int(root.get("volumeSize", 8)),
                },
            }
        ]
    instance = ctx.aws(r, "ami", "ec2", "run_instances", **kwargs)["Instances"][0]
    instance_id = instance["InstanceId"]
    return instance_id, {
        "arn": ctx.arn("ec2", f"instance/{instance_id}"),
        "privateIp": instance.get("PrivateIpAddress", ""),
        "privateDns": instance.get("PrivateDnsName", ""),
        "publicIp": instance.get("PublicIpAddress", ""),
        "publicDns": instance.get("PublicDnsName", ""),
        "availabilityZone": instance.get("Placement", {}).get("AvailabilityZone", ""),
        "instanceState": instance.get("State", {}).get("Name", "running"),
        "primaryNetworkInterfaceId": (instance.get("NetworkInterfaces") or [{}])[0].get(
            "NetworkInterfaceId", ""
        ),
    }
