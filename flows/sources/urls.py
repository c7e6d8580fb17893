"""URL normalization and the stable article id derived from it."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the click, never select content.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_ga",
        "ref",
        "ref_src",
        "cmpid",
        "ncid",
        "ocid",
        "sr_share",
        "smid",
        "partner",
        "cid",
        "share",
        "s_cid",
    }
)
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "hsa_")
AMP_SUFFIXES = ("/amp", "/amp/", ".amp")


class UrlError(ValueError):
    """A URL framewatch cannot collect from."""


def normalize_url(url: str) -> str:
    """The dedup form of a URL: lower-case scheme/host, no default port, no fragment, no tracking
    parameters, sorted query, no AMP suffix or `amp=1`, no trailing slash (except the root)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UrlError(f"not an http(s) URL: {url!r}")
    host = parts.hostname.lower()
    if host.startswith("www."):
        host = host[4:]
    if host.startswith("amp."):
        host = host[4:]
    port = parts.port
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = parts.path or "/"
    for suffix in AMP_SUFFIXES:
        if path.endswith(suffix) and len(path) > len(suffix):
            path = path[: -len(suffix)]
            break
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS
        and not k.lower().startswith(TRACKING_PREFIXES)
        and not (k.lower() in ("amp", "outputtype") and v.lower() in ("1", "amp", "true", ""))
    ]
    return urlunsplit(("https", netloc, path, urlencode(sorted(query)), ""))


def article_id(url: str) -> str:
    """Stable id: first 16 hex digits of sha256 of the normalized URL."""
    return hashlib.sha256(normalize_url(url).encode("utf-8")).hexdigest()[:16]


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
