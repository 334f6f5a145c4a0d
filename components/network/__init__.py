"""The platform network: the VPC, per zone a node and a Terway pod vSwitch, and the NAT egress.

`settings.NetworkSettings` is the config section (`livecommerce:platform.network`), `cidr` is the pure
CIDR planner, and `vpc.Network` is the component.
"""
