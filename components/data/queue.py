"""The message queue: an ApsaraMQ for RocketMQ 5.x instance (`rocketmq.RocketMQInstance`), its topics
(`rocketmq.RocketMQTopic`), consumer groups with retry policy and dead-letter topic
(`rocketmq.ConsumerGroup`), an account per service (`rocketmq.Account`) and least-privilege ACLs
(`rocketmq.Acl`).

Private only: `network_info.internet_info` is declared with the public endpoint disabled (the provider requires
the block), the instance whitelist and every ACL carry the platform's node and pod vSwitch ranges, and
password-free VPC access is off, so a pod must authenticate as its service. Decisions: `plan.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_alicloud as alicloud

from components.naming import Naming
from components.data.plan import (
    PRIVATE_INTERNET_INFO,
    acl_grants,
    consumer_inputs,
    mq_username,
    queue_instance_inputs,
    topic_types,
    vpc_endpoint,
)
from components.data.settings import QueueSettings

R = alicloud.rocketmq


@dataclass(frozen=True, kw_only=True)
class MessageQueueArgs:
    """Wiring and settings of the message queue."""

    naming: Naming
    """How the stack names its objects (components/naming.py)."""
    settings: QueueSettings
    vpc_id: pulumi.Input[str]
    vswitch_ids: Sequence[pulumi.Input[str]]
    """Node vSwitches in zone order; a cluster_ha instance spans the first two, a single node the first."""
    whitelist: Sequence[str]
    """Client ranges (`network.client_cidrs`): the node and pod vSwitches."""
    passwords: Mapping[str, pulumi.Input[str]]
    """Generated password per service (secret Outputs)."""
    protect: bool = True
    tags: Mapping[str, str] = field(default_factory=dict)


class MessageQueue(pulumi.ComponentResource):
    """RocketMQ 5 instance, topics, consumer groups, accounts and ACLs."""

    instance_id: pulumi.Output[str]
    """The instance id (`rmq-cn-...`): the metrics' `instance_id` label."""
    instance_name: str
    """The instance name the console shows (the alert rules' target label)."""
    endpoint: pulumi.Output[str]
    """The VPC endpoint (`host:port`) clients connect to."""
    topics: dict[str, pulumi.Output[str]]
    """Topic name by topic (dead-letter topics included)."""
    groups: dict[str, pulumi.Output[str]]
    """Consumer group id by group id."""

    def __init__(self, name: str, args: MessageQueueArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:data:MessageQueue", name, None, opts)
        q = args.settings
        child = pulumi.ResourceOptions(parent=self)
        inputs = queue_instance_inputs(args.naming, q)
        self.instance_name = str(inputs["instance_name"])
        switches = list(args.vswitch_ids)[: 2 if q.high_availability else 1]
        instance = R.RocketMQInstance(
            f"{name}-instance",
            network_info=R.RocketMQInstanceNetworkInfoArgs(
                vpc_info=R.RocketMQInstanceNetworkInfoVpcInfoArgs(
                    vpc_id=args.vpc_id,
                    vswitches=[R.RocketMQInstanceNetworkInfoVpcInfoVswitchArgs(vswitch_id=v) for v in switches]),
                internet_info=R.RocketMQInstanceNetworkInfoInternetInfoArgs(**PRIVATE_INTERNET_INFO)),
            product_info=R.RocketMQInstanceProductInfoArgs(**inputs.pop("product_info")),  # type: ignore[arg-type]
            acl_info=R.RocketMQInstanceAclInfoArgs(**inputs.pop("acl_info")),  # type: ignore[arg-type]
            software=R.RocketMQInstanceSoftwareArgs(**inputs.pop("software")),  # type: ignore[arg-type]
            ip_whitelists=list(args.whitelist), tags={**args.tags, "role": "message-queue"},
            **inputs,  # type: ignore[arg-type]
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect))
        # Topics are ForceNew on type and name: keyed by name so reordering the config changes nothing.
        topics: dict[str, R.RocketMQTopic] = {}
        for topic, kind in topic_types(q).items():
            topics[topic] = R.RocketMQTopic(
                f"{name}-topic-{topic}", instance_id=instance.id, topic_name=topic, message_type=kind,
                remark=next((t.description for t in q.topics if t.name == topic and t.description), None),
                opts=child)
        groups: dict[str, R.ConsumerGroup] = {}
        for consumer in q.consumers:
            plain = consumer_inputs(q, consumer)
            policy = plain.pop("consume_retry_policy")
            dlq = [topics[consumer.dead_letter_topic]] if consumer.dead_letter else []
            groups[consumer.group_id] = R.ConsumerGroup(
                f"{name}-group-{consumer.group_id}", instance_id=instance.id,
                consume_retry_policy=R.ConsumerGroupConsumeRetryPolicyArgs(**policy),  # type: ignore[arg-type]
                **plain,  # type: ignore[arg-type]
                # The dead-letter topic must exist before a group can name it.
                opts=pulumi.ResourceOptions(parent=self, depends_on=dlq))
        services = sorted({g.service for g in acl_grants(q)} | {s for t in q.topics for s in t.publishers})
        accounts: dict[str, R.Account] = {}
        for service in services:
            if service not in args.passwords:
                raise ValueError(f"data.queue: no generated password for service {service}")
            accounts[service] = R.Account(
                f"{name}-account-{service}", instance_id=instance.id, username=mq_username(service),
                password=pulumi.Output.secret(args.passwords[service]), account_status="ENABLE", opts=child)
        for grant in acl_grants(q):
            target = topics[grant.resource] if grant.resource_type == "Topic" else groups[grant.resource]
            # `resource_name` collides with Pulumi's own first argument: the SDK spells the input
            # `resource_name_` (and `Acl(name, AclArgs(resource_name=...))` fails inside the SDK).
            R.Acl(f"{name}-acl-{grant.key}", instance_id=instance.id, username=accounts[grant.service].username,
                  resource_type=grant.resource_type, resource_name_=grant.resource, actions=list(grant.actions),
                  decision="Allow", ip_whitelists=list(args.whitelist),
                  opts=pulumi.ResourceOptions(parent=self, depends_on=[target]))

        self.instance_id = instance.id
        self.endpoint = instance.network_info.apply(lambda n: vpc_endpoint(n.endpoints if n else None))
        self.topics = {k: t.topic_name for k, t in topics.items()}
        self.groups = {k: g.consumer_group_id for k, g in groups.items()}
        self.register_outputs({"instance_id": self.instance_id, "endpoint": self.endpoint,
                               "topics": self.topics, "groups": self.groups})
