"""Roles of staff and scopes of exchange clients (design.md §5)."""

from __future__ import annotations

ROLES: dict[str, str] = {
    "marriage_registrar": "婚姻登记员",
    "marriage_counselor": "婚姻家庭辅导员",
    "funeral_officer": "殡葬管理工作人员",
    "placenames_officer": "区划地名工作人员",
    "socialorg_officer": "社会组织管理工作人员",
    "rescue_officer": "救助管理工作人员",
    "supervisor": "业务主管（只读、统计）",
    "auditor": "审计员（只读审计记录）",
    "admin": "账号管理员",
}

SCOPES: dict[str, str] = {
    "feed.read": "读取变更事件流",
    "import.write": "批量导入",
}

ADMIN = "admin"
FEED_SCOPE = "feed.read"
# Staff who may read the province change feed besides exchange clients with the feed scope.
FEED_ROLES = frozenset({"supervisor", "auditor"})
