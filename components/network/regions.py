"""Which regions and zones a stack may name: a committed table, so a typo fails `validate`, not `pulumi up`.

Regions: exactly the provider's own list. terraform-provider-alicloud (which pulumi-alicloud 4.0.0
bridges) refuses any other region at start-up ("Invalid Alibaba Cloud region", unless
`skip_region_validation`): `ValidRegions` in alicloud/connectivity/regions.go:66 and the check in
alicloud/connectivity/config.go:218-228 (snapshot of 2026-08-21, commit 81c43b67).

Zones: the zones where Elastic Container Instance runs, per region, from "Regions and zones supported
by ECI" (https://help.aliyun.com/document_detail/89155.html, read 2026-12-01). The platform bursts
pods onto ECI virtual nodes in every zone of the cluster, so a zone without ECI is as wrong for it as
a zone that does not exist. Regions the page does not list here are checked by zone-id shape only.
Alibaba Cloud adds zones over time: a refused zone that is real goes into ECI_ZONES with the date
the page was read.
"""

from __future__ import annotations

import difflib
import re

# alicloud/connectivity/regions.go, ValidRegions (order kept).
PROVIDER_REGIONS: tuple[str, ...] = (
    "cn-hangzhou", "cn-qingdao", "cn-beijing", "cn-shenzhen", "cn-hongkong", "cn-shanghai", "cn-zhangjiakou",
    "cn-huhehaote", "cn-chengdu", "cn-heyuan", "cn-wulanchabu", "cn-guangzhou", "cn-nanjing", "cn-fuzhou",
    "cn-zhongwei",
    "us-west-1", "us-east-1", "us-southeast-1",
    "na-south-1",
    "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-5",
    "ap-southeast-6", "ap-southeast-7", "ap-southeast-8",
    "ap-south-1",
    "me-east-1", "me-central-1",
    "eu-central-1", "eu-west-1", "rus-west-1",
    "cn-north-2-gov-1",
    "cn-shenzhen-finance-1", "cn-szfinance", "cn-shenzhen-finance",
    "cn-shanghai-finance-1-pub", "cn-shanghai-finance-1",
    "cn-hangzhou-finance", "cn-hzfinance", "cn-hzjbp",
    "cn-beijing-finance-1", "cn-beijing-finance-1-pub",
)

# The ECI page's zone letters per region (zone id: `<region>-<letter>` in China, `<region><letter>` abroad).
ECI_ZONES: dict[str, str] = {
    "cn-hangzhou": "befghijk",
    "cn-shanghai": "abcdefgklmn",
    "cn-qingdao": "bc",
    "cn-beijing": "cdefghijkl",
    "cn-zhangjiakou": "abc",
    "cn-huhehaote": "ab",
    "cn-wulanchabu": "abc",
    "cn-shenzhen": "abcde",
    "cn-heyuan": "ab",
    "cn-guangzhou": "ab",
    "cn-chengdu": "ab",
    "cn-hongkong": "bcd",
    "ap-northeast-1": "abc",
    "ap-southeast-1": "abc",
    "ap-southeast-2": "ab",
}


def zone_id(region: str, letter: str) -> str:
    """The zone id of `letter` in `region`: `cn-hangzhou-h`, but `ap-southeast-1a` (regions ending in a digit)."""
    return f"{region}{letter}" if region[-1].isdigit() else f"{region}-{letter}"


def region_problem(region: str) -> str | None:
    """Why `region` cannot be used (one sentence with the fix), or None."""
    if region in PROVIDER_REGIONS:
        return None
    guess = difflib.get_close_matches(region, PROVIDER_REGIONS, n=1)
    hint = f"did you mean {guess[0]}?" if guess else "e.g. cn-hangzhou, cn-shanghai, ap-southeast-1"
    return (f"{region!r} is not a region the alicloud provider accepts (components/network/regions.py lists "
            f"them); {hint}")


def zone_problem(region: str, zone: str) -> str | None:
    """Why `zone` cannot be a zone of this platform in `region` (one sentence with the fix), or None."""
    letters = ECI_ZONES.get(region)
    if letters is None:
        if re.fullmatch(re.escape(zone_id(region, "")) + "[a-z]", zone):
            return None
        return f"{zone} is not a zone of region {region} (expected {zone_id(region, '<letter>')})"
    known = [zone_id(region, c) for c in letters]
    if zone in known:
        return None
    if not re.fullmatch(re.escape(zone_id(region, "")) + "[a-z]", zone):
        return f"{zone} is not a zone of region {region}; its ECI zones are {', '.join(known)}"
    return (f"{zone} is not an ECI zone of {region} (virtual nodes need ECI in every zone); use one of "
            f"{', '.join(known)}, or add it to components/network/regions.py if Alibaba Cloud opened it")
