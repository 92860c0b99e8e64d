"""A stand-in resolver for DNS rebinding tests: socket.getaddrinfo answers made-up names from a script, one answer
per lookup in turn (the last one repeats), and asks the real resolver about every other name. Lookups made through
asyncio (loop.getaddrinfo, hence anyio and httpx) reach it too: asyncio calls socket.getaddrinfo at call time."""

from __future__ import annotations

import socket


class FakeDNS:
    def __init__(self, monkeypatch, script: dict[str, list[str | list[str]]]):
        """`script`: name -> answers; an answer is an address or a list of addresses."""
        self.script = script
        self.asked: dict[str, list[list[str]]] = {name: [] for name in script}
        self.real = socket.getaddrinfo
        monkeypatch.setattr(socket, "getaddrinfo", self.getaddrinfo)

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        name = host.decode() if isinstance(host, bytes) else host
        if name not in self.script:
            return self.real(host, port, family, type, proto, flags)
        answers = self.script[name]
        answer = answers[min(len(self.asked[name]), len(answers) - 1)]
        addresses = [answer] if isinstance(answer, str) else answer
        self.asked[name].append(addresses)
        port = int(port or 0)
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (a, port, 0, 0))
            if ":" in a
            else (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (a, port))
            for a in addresses
        ]
