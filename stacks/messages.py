"""Config error messages in words: every regex pattern of the config model, said the way a person would.

`format_errors` (stacks/config.py) prints `PATTERN_WORDS[pattern]` where pydantic would print
"String should match pattern '^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$'". A test walks the committed schema
(stacks/platform.schema.json) so a new pattern cannot ship without its words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

PATTERN_WORDS: dict[str, str] = {
    r"^v?\d+\.\d+\.\d+([-.+][0-9A-Za-z.-]+)?$": "a version like 1.2.3 (a leading v and a suffix like -aliyun.1 "
                                                "allowed)",
    r"^[a-z]([-a-z0-9]*[a-z0-9])?$": "lowercase letters, digits and `-`, starting with a letter and ending with a "
                                     "letter or digit (e.g. live-interaction)",
    r"^[A-Za-z0-9_-]+$": "letters, digits, `_` and `-`",
    r"^[A-Za-z0-9][-A-Za-z0-9_]*$": "letters, digits, `-` and `_`, starting with a letter or digit (e.g. x-mse-tag)",
    r"^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$": "lowercase letters, digits, `-` and `.`, starting and ending with a letter "
                                         "or digit (e.g. order-db, v1.1)",
    r"^1\.\d{2}\.\d+-aliyun\.\d+$": "an ACK version like 1.33.1-aliyun.1",
    r"^([01]\d|2[0-3]):[0-5]\d$": "a time of day HH:MM, 00:00 to 23:59 (in quotes in YAML: \"03:00\")",
    r"^[+-](0\d|1[0-4]):[0-5]\d$": "a UTC offset like +08:00 or -05:00 (in quotes in YAML)",
    r"^[A-Za-z][A-Za-z0-9._:-]{1,127}$": "2 to 128 letters, digits, `.`, `_`, `:` and `-`, starting with a letter",
    r"^[A-Za-z0-9-]{4,64}$": "a KMS key id: 4 to 64 letters, digits and `-`",
    r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$": "2 to 32 lowercase letters, digits and `-`, starting with a letter and ending "
                                       "with a letter or digit",
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$": "the name of a secret config key: up to 128 letters, digits, `_`, `.` and "
                                           "`-` (e.g. oncall-primary-phone), never the secret itself",
    r"^imc-[a-z0-9]+$": "an ECI image cache id like imc-2ze5tm5gehgtiiga4pyc",
    r"^(\d+(\.\d+)?-\d+(\.\d+)?Gi|ecs\.[a-z0-9-]+(\.[a-z0-9-]+)+)$": "an ECI size like 2-4Gi (vCPU-memory) or an "
                                                                   "ECS instance type like ecs.c6.xlarge",
    r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$": "a lowercase host name like "
                                                                                 "api.live.example.com (a leading "
                                                                                 "*. allowed)",
    r"^/[A-Za-z0-9/_.-]*$": "a URL path starting with / (letters, digits, /, _, . and -)",
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$": "lowercase letters, digits and `-`, starting and ending with a letter or digit",
    r"^[A-Za-z][A-Za-z0-9_-]{0,63}$": "up to 64 letters, digits, `_` and `-`, starting with a letter",
    r"^slb\.s\d\.\w+$": "an SLB specification like slb.s2.small",
    r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$": "letters, digits, `-`, `_` and `.`, starting and ending with a "
                                                   "letter or digit",
    r"^(\d{4}-)?\d{2}-\d{2}T\d{2}:\d{2}$": "a local time YYYY-MM-DDTHH:MM (once) or MM-DDTHH:MM (every year)",
    r"^[a-z][a-z0-9-]{1,30}$": "2 to 31 lowercase letters, digits and `-`, starting with a letter",
    r"^\d+\.\d+\.\d+$": "a version like 1.2.3",
    r"^\d{1,3}(\.\d{1,3}){3}/\d{1,2}$": "an IPv4 range like 10.0.0.0/16",
    r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$": "a Kubernetes label value: up to 63 letters, digits, `-`, "
                                                          "`_` and `.`, starting and ending with a letter or digit",
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}"
    r"[A-Za-z0-9])?$": "a Kubernetes label key: an optional DNS prefix and /, then up to 63 letters, digits, `-`, `_` "
                       "and `.` (e.g. livecommerce.io/pool)",
    r"^https://\S+[^/]$": "an https:// URL without spaces or a trailing /",
    r"^[a-z][a-z0-9-]*$": "lowercase letters, digits and `-`, starting with a letter",
    r"^\d+$": "digits only",
    r"^/\S*$": "a URL path starting with /, without spaces",
    r"^NACOS_\d+_\d+_\d+$": "an MSE Nacos version like NACOS_2_0_0",
    r"^MSE_SC_(\d+_\d+_(60|200)_c|SERVERLESS)$": "an MSE specification like MSE_SC_2_4_60_c or MSE_SC_SERVERLESS",
    r"^(LATEST|NACOS_[0-9_]+)$": "LATEST or an MSE Nacos version like NACOS_2_0_0",
    r"^[-._A-Za-z0-9]+$": "letters, digits, `-`, `_` and `.`",
    r"^[A-Za-z_][A-Za-z0-9_]*$": "an environment variable name: letters, digits and `_`, not starting with a digit",
    r"^https?://[^\s]+$": "an http:// or https:// URL without spaces",
    r"^https://[a-z0-9.-]+$": "an https:// origin like https://live.example.com (no path)",
    r"^kst-[a-z0-9]+$": "a KMS instance id like kst-hzz6xxxxxxxxxxxx",
    r"^kst-[\w-]+$": "a KMS instance id like kst-hzz6xxxxxxxxxxxx",
    r"^([01]\d|2[0-3]):00$": "a whole hour HH:00, 00:00 to 23:00 (in quotes in YAML: \"18:00\")",
    r"^([01]\d|2[0-3]):00Z-([01]\d|2[0-3]):00Z$": "a UTC window of whole hours HH:00Z-HH:00Z, e.g. \"18:00Z-19:00Z\"",
    r"^([01]\d|2[0-3]):00-([01]\d|2[0-3]):00$": "a window of whole hours HH:00-HH:00, e.g. \"02:00-06:00\"",
    r"^tair\.rdb\.[\w.]+$": "a Tair memory-optimized class like tair.rdb.4g",
    r"^polar\.mysql\.[\w.]+$": "a PolarDB node class like polar.mysql.x4.large",
    r"^rmq\.[spu]\d\.\w+$": "a RocketMQ spec like rmq.s2.2xlarge",
    r"^[a-zA-Z0-9_-]{1,64}$": "1 to 64 letters, digits, `_` and `-`",
    r"^[a-z][a-z0-9_]{0,63}$": "up to 64 lowercase letters, digits and `_`, starting with a letter (e.g. orders)",
    r"^https://\S+/$": "an https:// URL ending in / (e.g. a Helm repository)",
    r"^[A-Za-z0-9_]+$": "letters, digits and `_`",
    r"^[a-z][a-z0-9-]{2,62}$": "3 to 63 lowercase letters, digits and `-`, starting with a letter (the name of a "
                               "secret, never the secret itself)",
    # the edge block (components/edge/settings.py)
    r"^[a-z][a-z0-9-]{0,30}$": "up to 31 lowercase letters, digits and `-`, starting with a letter (a key in "
                               "edge.certificates, e.g. live-wildcard)",
    r"^[A-Za-z0-9.-]{1,64}$": "a RAM role name: up to 64 letters, digits, `.` and `-` (e.g. AliyunLiveDefaultRole)",
    r"^waf_[A-Za-z0-9_-]+$": "a WAF 3.0 instance id like waf_v3prepaid_public_cn-xxxxxxxx",
    r"^(\*|[A-Za-z0-9_-]{1,255})$": "* (every one) or up to 255 letters, digits, `_` and `-`",
}

# Keys whose values may be secrets pasted by mistake: their input is never echoed in a message.
_SECRETIVE = re.compile(r"secret|password|passwd|token|credential|webhook|phone|kubeconfig|private|access_key",
                        re.IGNORECASE)


def pattern_words(pattern: str) -> str:
    """The rule `pattern` stands for, in words (a generic sentence if it has none, which a test forbids)."""
    return PATTERN_WORDS.get(pattern, "a value of the form the schema describes (stacks/platform.schema.json)")


def may_echo(loc: Sequence[Any]) -> bool:
    """Whether a message may quote the input at `loc`: not when any key on the path may hold a secret."""
    return not any(isinstance(part, str) and _SECRETIVE.search(part) for part in loc)
