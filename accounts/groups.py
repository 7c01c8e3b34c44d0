"""What a token's `groups` claim says: VO membership and the production role.

PanDA's identity providers name a VO as a top-level group (`atlas`) and its roles
below it (`atlas/production`); the PanDA server accepts `Origin: <vo>` or
`<vo>:production` only for a member of that group (reference: panda-server.md).
"""

from __future__ import annotations

from collections.abc import Iterable

PRODUCTION = "production"


def vos_of(groups: Iterable[str], known: Iterable[str] = ()) -> list[str]:
    """VOs the groups make the user a member of; `known` (if any) limits them."""
    known = {vo.lower() for vo in known}
    found = {g.strip("/").lower() for g in groups if g and "/" not in g.strip("/")}
    return sorted(found & known if known else found)


def production_vos_of(groups: Iterable[str], vos: Iterable[str]) -> list[str]:
    """VOs (of `vos`) in which the user holds the production role."""
    roles = {g.strip("/").lower() for g in groups if g}
    return sorted(vo for vo in vos if f"{vo}/{PRODUCTION}" in roles)


def origin(vo: str, production: bool) -> str:
    """The PanDA server's `Origin` header for acting in `vo` (with the role or not)."""
    return f"{vo}:{PRODUCTION}" if production else vo
