"""Which network targets may be contacted. Pure: no I/O."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from scrapegate.errors import URLNotAllowed

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

PRIVATE_DETAIL = "The URL resolves to a private network address and cannot be scraped."

METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),
        ipaddress.ip_address("fd00:ec2::254"),
        ipaddress.ip_address("100.100.100.200"),
    }
)
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPAT = ipaddress.ip_network("::/96")


@dataclass(frozen=True)
class NetPolicy:
    """What the operator allows. ``allow_private`` opens every range and port."""

    allow_private: bool = False
    allowed_cidrs: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    allowed_ports: frozenset[int] = field(default_factory=lambda: frozenset({80, 443, 8080, 8443}))
    deny_hosts: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls,
        *,
        allow_private: bool,
        allowed_cidrs: list[str] | tuple[str, ...] = (),
        allowed_ports: list[int] | tuple[int, ...] = (80, 443, 8080, 8443),
        deny_hosts: list[str] | tuple[str, ...] = (),
    ) -> NetPolicy:
        return cls(
            allow_private=allow_private,
            allowed_cidrs=tuple(ipaddress.ip_network(c, strict=False) for c in allowed_cidrs),
            allowed_ports=frozenset(allowed_ports),
            deny_hosts=frozenset(h.lower().rstrip(".") for h in deny_hosts),
        )


def _parse_ipv4_part(part: str) -> int | None:
    if not part:
        return None
    try:
        if part[:2].lower() == "0x":
            return int(part[2:] or "0", 16)
        if len(part) > 1 and part[0] == "0":
            return int(part[1:], 8)
        if part.isdigit():
            return int(part, 10)
    except ValueError:
        return None
    return None


def parse_ipv4_loose(host: str) -> ipaddress.IPv4Address | None:
    """inet_aton forms: ``127.1``, ``0x7f.1``, ``0177.0.0.1``, ``2130706433``."""
    parts = host.split(".")
    if host.endswith("."):
        parts = parts[:-1]
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_parse_ipv4_part(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    *head, last = values
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(values)):
        return None
    packed = 0
    for n in head:
        packed = packed * 256 + n
    packed = packed * 256 ** (5 - len(values)) + last
    return ipaddress.IPv4Address(packed)


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address a URL host names literally (any notation), or None for a DNS name."""
    text = host.strip("[]")
    if "%" in text:
        text = text.split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if ":" in text:
        return None
    return parse_ipv4_loose(text)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address carried by mapped, compatible, NAT64, 6to4 and Teredo IPv6 forms."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64 or (ip in _IPV4_COMPAT and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _forbidden_reason(ip: IPAddress) -> str | None:
    if ip in METADATA_ADDRESSES:
        return "metadata"
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            return _forbidden_reason(inner)
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link_local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if isinstance(ip, ipaddress.IPv4Address) and (ip in _CGNAT):
        return "cgnat"
    if isinstance(ip, ipaddress.IPv4Address) and ip == ipaddress.IPv4Address("255.255.255.255"):
        return "broadcast"
    if (
        ip.is_private
        or ip.is_reserved
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
    ):
        return "private_network"
    if not ip.is_global:
        return "reserved"
    return None


def address_block_reason(ip: IPAddress, policy: NetPolicy) -> str | None:
    """Why connecting to ``ip`` is refused under ``policy``, or None when it is allowed."""
    reason = _forbidden_reason(ip)
    if reason is None:
        return None
    if reason == "metadata":
        return reason  # never allowed, whatever the policy says
    if policy.allow_private or any(
        ip in net for net in policy.allowed_cidrs if net.version == ip.version
    ):
        return None
    return reason


def check_address(ip: IPAddress, policy: NetPolicy, field_name: str = "url") -> None:
    reason = address_block_reason(ip, policy)
    if reason is not None:
        raise URLNotAllowed(PRIVATE_DETAIL, {"field": field_name, "reason": "private_network"})


def check_host(host: str, port: int, policy: NetPolicy, field_name: str = "url") -> None:
    """Rules 4-6 for what the URL says literally; DNS answers are checked by the fetchers."""
    name = host.lower().rstrip(".")
    literal = parse_ip_literal(name)
    if literal is not None:
        check_address(literal, policy, field_name)
    elif (name == "localhost" or name.endswith(".localhost")) and not policy.allow_private:
        raise URLNotAllowed(PRIVATE_DETAIL, {"field": field_name, "reason": "private_network"})
    if name in policy.deny_hosts or any(name.endswith("." + d) for d in policy.deny_hosts):
        raise URLNotAllowed(
            f"Scraping {name} is not allowed on this server.",
            {"field": field_name, "reason": "denied_host"},
        )
    if not policy.allow_private and port not in policy.allowed_ports:
        raise URLNotAllowed(
            f"Port {port} is not allowed.", {"field": field_name, "reason": "port_not_allowed"}
        )
