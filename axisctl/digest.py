"""HTTP Digest (RFC 7616) arithmetic, shared by the client and the simulated devices.

Pure functions: parsing of ``WWW-Authenticate``/``Authorization`` parameter lists and the
``response`` hash. No I/O, no state.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from axisctl.errors import ParseError

#: Strongest first: a client picks the first one the server offers.
ALGORITHMS: dict[str, Callable[[bytes], hashlib._Hash]] = {
    "SHA-256": hashlib.sha256,
    "MD5": hashlib.md5,
}

_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_PARAM = re.compile(rf"\s*({_TOKEN})\s*=\s*(?:\"((?:[^\"\\]|\\.)*)\"|({_TOKEN}))\s*(?:,|$)")


def parse_auth_params(text: str) -> dict[str, str]:
    """Parse ``a="b", c=d`` into a dict with lower-case keys.

    Raises :class:`ParseError` naming the offset of the first thing that is not a parameter.
    """
    params: dict[str, str] = {}
    position = 0
    text = text.strip()
    while position < len(text):
        match = _PARAM.match(text, position)
        if match is None:
            raise ParseError(
                f"malformed auth parameter at offset {position}: {text[position:][:40]!r}"
            )
        key = match.group(1).lower()
        quoted = match.group(2)
        value = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else match.group(3)
        params[key] = value
        position = match.end()
    return params


@dataclass(frozen=True)
class DigestChallenge:
    """One ``WWW-Authenticate: Digest ...`` challenge."""

    realm: str
    nonce: str
    algorithm: str = "MD5"
    qop: tuple[str, ...] = ()
    opaque: str | None = None
    stale: bool = False

    @classmethod
    def parse(cls, header: str) -> DigestChallenge:
        scheme, _, rest = header.strip().partition(" ")
        if scheme.lower() != "digest":
            raise ParseError(f"not a Digest challenge: scheme {scheme!r}")
        params = parse_auth_params(rest)
        missing = [key for key in ("realm", "nonce") if key not in params]
        if missing:
            raise ParseError(f"Digest challenge lacks {', '.join(missing)}")
        algorithm = params.get("algorithm", "MD5").upper()
        qop = tuple(q.strip().lower() for q in params.get("qop", "").split(",") if q.strip())
        return cls(
            realm=params["realm"],
            nonce=params["nonce"],
            algorithm=algorithm,
            qop=qop,
            opaque=params.get("opaque"),
            stale=params.get("stale", "").lower() == "true",
        )

    def header(self) -> str:
        parts = [f'realm="{self.realm}"', f'nonce="{self.nonce}"', f"algorithm={self.algorithm}"]
        if self.qop:
            parts.append(f'qop="{",".join(self.qop)}"')
        if self.opaque is not None:
            parts.append(f'opaque="{self.opaque}"')
        if self.stale:
            parts.append("stale=true")
        return "Digest " + ", ".join(parts)


def _hex(algorithm: str, data: str) -> str:
    hash_function = ALGORITHMS.get(algorithm.upper())
    if hash_function is None:
        raise ParseError(f"unsupported Digest algorithm {algorithm!r}")
    return hash_function(data.encode("utf-8")).hexdigest()


def compute_response(
    *,
    algorithm: str,
    username: str,
    realm: str,
    password: str,
    method: str,
    uri: str,
    nonce: str,
    nc: str,
    cnonce: str,
    qop: str,
) -> str:
    """The ``response`` value of RFC 7616 §3.4.1 for qop=auth."""
    ha1 = _hex(algorithm, f"{username}:{realm}:{password}")
    ha2 = _hex(algorithm, f"{method}:{uri}")
    return _hex(algorithm, f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
