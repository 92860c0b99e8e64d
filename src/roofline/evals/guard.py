"""Connection-time address checks: every TCP connection a guarded client opens goes to an address its guard
accepted, so a name that resolves to a public address when the endpoint is checked and to 127.0.0.1,
169.254.169.254 or 10.x when the client connects (DNS rebinding) cannot steer a server-side run inside.

How. `guarded_transport` is an httpx.AsyncHTTPTransport whose httpcore connection pool opens connections
through `GuardedBackend`. httpcore (1.x, `_async/connection.py`) calls `connect_tcp(host, port)` with the URL's
host name and then, for https, `stream.start_tls(ssl_context, server_hostname=<the URL's host name>)` as a
separate step. `GuardedBackend.connect_tcp` resolves the name once, passes every address to the guard (one
refused address refuses the connection, like the check at submission) and has the default backend connect to
the checked IP literal, which is not resolved again. TLS is unchanged: SNI and certificate verification still
use the host name from the URL, never the IP. Once connected, the socket's peer address goes through the guard
too, and the connection is closed before a byte is sent if it is refused; that second check holds even if a
future backend resolved the literal again. The checked addresses are tried one after another in the resolver's
order (no Happy Eyeballs race): an address that black-holes connections costs up to the connect timeout before
the next is tried.

Proxies. Through a proxy, the proxy makes the connection that matters, out of this backend's sight; a guarded
client is therefore built with `trust_env=False`, so HTTP_PROXY, HTTPS_PROXY and ALL_PROXY are ignored (httpx
0.28 already ignores them when a transport is given). A site that must reach the internet through a proxy
should make the proxy itself refuse internal addresses.

Redirects. The eval client follows none (httpx's default, `follow_redirects=False`): a 3xx answer is an `http`
error. Were one followed, its connection would open through this backend and be checked the same way.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterable

import anyio
import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressGuard = Callable[[str, IPAddress], None]
"""guard(host name, resolved address): returns to allow the connection, raises (any exception) to refuse it."""


class AddressRefused(httpcore.ConnectError):
    """The guard refused an address; httpx reports it as an httpx.ConnectError whose __cause__ is this."""


def _address(text: str) -> IPAddress:
    return ipaddress.ip_address(text.split("%")[0])  # drop an IPv6 scope id


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to addresses `guard` accepts (see the module docstring)."""

    def __init__(self, guard: AddressGuard, backend: httpcore.AsyncNetworkBackend | None = None):
        self.guard = guard
        self.backend = backend or httpcore.AnyIOBackend()

    def _check(self, host: str, address: IPAddress) -> None:
        try:
            self.guard(host, address)
        except Exception as error:  # any failure of the guard refuses: fail closed
            raise AddressRefused(f"refused to connect to {host} at {address}: {error}") from error

    async def resolve(self, host: str, port: int, timeout: float | None) -> list[str]:
        """The addresses of `host` (an IP literal resolves to itself), in the resolver's order, each once."""
        try:
            with anyio.fail_after(timeout):
                infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} took longer than {timeout:g} s") from None
        except (OSError, UnicodeError) as error:
            raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from error
        return list(dict.fromkeys(info[4][0] for info in infos))

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:  # fmt: skip
        addresses = await self.resolve(host, port, timeout)
        for text in addresses:  # all before any connection: one refused address refuses the name
            self._check(host, _address(text))
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for text in addresses:
            try:
                stream = await self.backend.connect_tcp(text, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
                continue
            peer = stream.get_extra_info("server_addr")
            try:
                if peer is None:
                    raise AddressRefused(f"refused to connect to {host}: the connection's peer address is unknown")
                self._check(host, _address(str(peer[0])))
            except BaseException:
                await stream.aclose()
                raise
            return stream
        raise failure if failure is not None else httpcore.ConnectError(f"{host} resolves to no address")

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("a guarded client does not connect to Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self.backend.sleep(seconds)


def guarded_transport(guard: AddressGuard, verify: ssl.SSLContext, limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    """An httpx transport (no proxy) whose every connection is checked by `guard`.

    httpx.AsyncHTTPTransport takes no network backend, so its connection pool is rebuilt with the same settings
    plus GuardedBackend; the check below fails closed should a future httpx keep its pool elsewhere.
    """
    transport = httpx.AsyncHTTPTransport(verify=verify, limits=limits, trust_env=False)
    pool = getattr(transport, "_pool", None)
    if not isinstance(pool, httpcore.AsyncConnectionPool):
        raise RuntimeError("this httpx keeps no httpcore pool in AsyncHTTPTransport._pool: cannot guard connections")
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=verify, max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections, keepalive_expiry=limits.keepalive_expiry,
        network_backend=GuardedBackend(guard),
    )  # fmt: skip
    return transport


def refused(error: BaseException) -> bool:
    """Whether an httpx error is a guard's refusal (httpx re-raises httpcore's errors `from` them)."""
    return isinstance(error, AddressRefused) or isinstance(error.__cause__, AddressRefused)
