"""Which endpoints a server-side run may call: public addresses only, unless the operator allow-lists a host.

ROOFLINE_EVAL_ALLOWED_HOSTS (comma-separated host names, IP addresses or CIDR networks) lets runs reach
addresses that are otherwise refused: loopback, private (RFC 1918, ULA), link-local, shared, reserved,
multicast and unspecified.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class EndpointRefused(ValueError):
    pass


def _allowed(host: str, address: ipaddress._BaseAddress) -> bool:
    for entry in settings.ROOFLINE_EVAL_ALLOWED_HOSTS:
        if entry.lower() == host.lower():
            return True
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _internal(address: ipaddress._BaseAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return (address.is_loopback or address.is_private or address.is_link_local or address.is_reserved
            or address.is_multicast or address.is_unspecified or not address.is_global)  # fmt: skip


def check_endpoint(url: str) -> None:
    """Raise EndpointRefused unless `url` is http(s) and every address its host resolves to may be called."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointRefused("the endpoint must be an http:// or https:// URL with a host")
    if parts.username or parts.password:
        raise EndpointRefused("put credentials in the API key field, not in the URL")
    host = parts.hostname
    try:
        infos = socket.getaddrinfo(
            host, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except (socket.gaierror, UnicodeError):
        raise EndpointRefused(f"cannot resolve host {host!r}") from None
    for info in infos:
        check_address(host, ipaddress.ip_address(info[4][0].split("%")[0]))


def check_address(host: str, address: ipaddress._BaseAddress) -> None:
    """Raise EndpointRefused unless `host`, resolved to `address`, may be called. check_endpoint applies it to
    every address before a run; the run applies it again to each address it connects to (the engine's
    address_guard, roofline.evals.guard), so a name that resolves elsewhere later (DNS rebinding) is refused."""
    if _internal(address) and not _allowed(host, address):
        raise EndpointRefused(
            f"{host} resolves to {address}, a loopback, private or link-local address; server-side runs may "
            "not call it (an operator can allow it with ROOFLINE_EVAL_ALLOWED_HOSTS). Use the CLI instead."
        )
