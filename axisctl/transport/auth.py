"""Credentials and the Digest flow that costs one round trip per call.

httpx's own ``DigestAuth`` takes the first challenge it sees and treats ``stale=true`` as a
failure. Axis devices may offer SHA-256 and MD5 side by side and expire nonces, so this flow
picks the strongest algorithm offered, reuses the last challenge with an increasing nonce
count, and answers a stale or expired nonce with one fresh attempt.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Generator
from dataclasses import dataclass, field

import httpx

from axisctl import digest
from axisctl.errors import ParseError


@dataclass(frozen=True)
class Credentials:
    """A user name and password. The password never appears in ``repr`` or ``str``."""

    username: str
    password: str = field(repr=False)

    def __str__(self) -> str:
        return self.username


class DigestAuth(httpx.Auth):
    """Digest authentication with challenge reuse (one HTTP round trip per call)."""

    def __init__(self, credentials: Credentials) -> None:
        self._credentials = credentials
        self._challenge: digest.DigestChallenge | None = None
        self._nonce_count = 0
        self._lock = threading.Lock()
        #: Set when the device's last challenge offered Basic but no usable Digest.
        self.offered_only_basic = False

    def __repr__(self) -> str:
        return f"DigestAuth(username={self._credentials.username!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        with self._lock:
            cached = self._challenge
        if cached is not None:
            self._authorize(request, cached)
        response = yield request
        if response.status_code != 401:
            return
        challenge = self._strongest_challenge(response)
        if challenge is None:
            return
        with self._lock:
            self._challenge = challenge
            self._nonce_count = 0
        # One more attempt with the new nonce: this answers the first challenge and a cached
        # nonce the device has expired. A 401 to that attempt means wrong credentials.
        self._authorize(request, challenge)
        yield request

    def _strongest_challenge(self, response: httpx.Response) -> digest.DigestChallenge | None:
        offered: list[digest.DigestChallenge] = []
        schemes: list[str] = []
        for header in response.headers.get_list("www-authenticate"):
            schemes.append(header.strip().split(" ", 1)[0].lower())
            try:
                challenge = digest.DigestChallenge.parse(header)
            except ParseError:
                continue
            if challenge.algorithm in digest.ALGORITHMS and (
                not challenge.qop or "auth" in challenge.qop
            ):
                offered.append(challenge)
        self.offered_only_basic = not offered and "basic" in schemes
        if not offered:
            return None
        order = list(digest.ALGORITHMS)
        return min(offered, key=lambda c: order.index(c.algorithm))

    def _authorize(self, request: httpx.Request, challenge: digest.DigestChallenge) -> None:
        with self._lock:
            self._nonce_count += 1
            nc = f"{self._nonce_count:08x}"
        cnonce = os.urandom(8).hex()
        uri = request.url.raw_path.decode("ascii")
        qop = "auth" if challenge.qop else ""
        response = digest.compute_response(
            algorithm=challenge.algorithm,
            username=self._credentials.username,
            realm=challenge.realm,
            password=self._credentials.password,
            method=request.method,
            uri=uri,
            nonce=challenge.nonce,
            nc=nc,
            cnonce=cnonce,
            qop=qop,
        )
        fields = [
            f"username={digest.quote(self._credentials.username)}",
            f"realm={digest.quote(challenge.realm)}",
            f"nonce={digest.quote(challenge.nonce)}",
            f"uri={digest.quote(uri)}",
            f"algorithm={challenge.algorithm}",
            f"response={digest.quote(response)}",
        ]
        if qop:
            fields += [f"qop={qop}", f"nc={nc}", f"cnonce={digest.quote(cnonce)}"]
        if challenge.opaque is not None:
            fields.append(f"opaque={digest.quote(challenge.opaque)}")
        request.headers["Authorization"] = "Digest " + ", ".join(fields)


class BasicAuth(httpx.BasicAuth):
    """Basic authentication; only used when asked for explicitly."""

    def __init__(self, credentials: Credentials) -> None:
        super().__init__(credentials.username, credentials.password)
        self._username = credentials.username

    def __repr__(self) -> str:
        return f"BasicAuth(username={self._username!r})"
