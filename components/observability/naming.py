"""Names of the SLS project and logstores of one stack (pure, shared).

The observability component creates the project and its logstores; other components (the media
function's `log_config`, ...) only need their names. Both sides derive them from this one function,
so a rename happens in one place and `compare` sees the same shape in every stack.
"""

from __future__ import annotations

import re

from components.naming import Naming

# SLS project names: 3-63 characters, lowercase letters, digits and hyphens, starting and ending
# with a letter or digit, and unique across Alibaba Cloud (hence the configurable prefix).
_PROJECT_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")

#: Logstore keys -> logstore names. Keys are what code refers to; names are what SLS shows.
LOGSTORES: dict[str, str] = {
    "application": "app-logs",
    "transcoder": "fc-transcoder",
}


def sls_names(naming: Naming, prefix: str = "livecommerce") -> tuple[str, dict[str, str]]:
    """The SLS project name of the stack (`<prefix>-<stack>-<region>`), and the logstore names by key.

    >>> from components.naming import naming_for
    >>> sls_names(naming_for("prod", "cn-hangzhou"))
    ('livecommerce-prod-cn-hangzhou', {'application': 'app-logs', 'transcoder': 'fc-transcoder'})
    """
    project = naming.regional(prefix)
    if not _PROJECT_RE.match(project):
        raise ValueError(f"SLS project name {project!r} is not 3-63 lowercase letters, digits or hyphens; "
                         "shorten the prefix")
    return project, dict(LOGSTORES)
