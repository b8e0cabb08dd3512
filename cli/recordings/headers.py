"""What a recorded HTTP header means, whatever the recorder: which carry credentials, which change at every
re-record. One list, read by ``validate`` (credentials), ``normalize`` (scrub) and ``diff`` (noise)."""

from __future__ import annotations

import re
from typing import Any, Mapping

# request headers that carry a credential: errors when recorded, redacted by scrub. The named ones follow
# the header rules of gitleaks (curl-auth-header: Authorization, X-*-Key, X-*-Token, Api-Key) and
# detect-secrets (KeywordDetector), and the headers the providers LLM projects call document (Brave's
# X-Subscription-Token, AWS's X-Amz-Security-Token, Azure's Ocp-Apim-Subscription-Key and x-functions-key,
# GitLab's Private-Token, RapidAPI's X-RapidAPI-Key, Vault's X-Vault-Token…); any other request header
# whose name says key, token, secret, password or credential counts too (:func:`is_credential_header`)
REQUEST_ERRORS = ("authorization", "proxy-authorization", "x-api-key", "api-key", "apikey", "x-apikey",
                  "x-goog-api-key", "openai-api-key", "ocp-apim-subscription-key", "x-subscription-token",
                  "x-amz-security-token", "x-auth-token", "x-access-token", "x-api-token", "x-functions-key",
                  "x-rapidapi-key", "private-token", "x-vault-token", "x-figma-token", "x-goog-iam-authorization-token",
                  "x-session-token", "x-refresh-token", "x-client-secret", "x-secret-key")
_CREDENTIAL_NAME = re.compile(r"(?i)(?:^|[-_])(?:api[-_]?key|apikey|token|secret|password|passwd|credentials?|"
                              r"auth|session[-_]?key)(?:$|[-_])")
_NOT_CREDENTIALS = re.compile(r"(?i)csrf|xsrf|token[-_]?(?:type|count|limit)|max[-_]tokens|tokens?[-_]used|"
                              r"^x-stainless")
CREDENTIAL_HEADERS = (*REQUEST_ERRORS, "cookie")  # the request headers validate reports, redacted
RESPONSE_WARNINGS = ("set-cookie", "openai-organization", "openai-project", "anthropic-organization-id")
# cookies that only tell visitors apart (analytics, bot management): a warning when recorded, never an error
VISITOR_COOKIES = ("__cf_bm", "_cfuvid", "__cfruid", "cf_clearance", "_ga", "_gid", "_gat", "_gcl_au", "_fbp",
                   "_hjid", "_hjsessionuser", "ajs_anonymous_id", "ajs_user_id", "amplitude_id", "mp_", "_pk_id",
                   "_clck", "_clsk", "intercom-id", "__stripe_mid", "__stripe_sid", "_ga_")
# cookie names that say they carry a session or an authentication
_SESSION_COOKIE = re.compile(r"(?i)sess|auth|token|jwt|sid$|^sid|login|remember|access|refresh|secret|credential|"
                             r"^__(?:host|secure)-")
HARMLESS_COOKIES = VISITOR_COOKIES
URL_KEY = re.compile(r"([?&](key|api[_-]?key|access_token|token)=)([^&#\s]+)", re.I)  # prefix, name, value

# response headers that change at every re-record: removed by scrub, noise for diff
VOLATILE = ("date", "request-id", "x-request-id", "openai-processing-ms", "x-envoy-upstream-service-time",
            "server-timing", "set-cookie", "cf-ray", "cf-cache-status", "x-goog-request-id", "alt-svc", "age",
            "expires", "report-to", "nel", "anthropic-organization-id", "openai-organization", "openai-project")
VOLATILE_PREFIXES = ("x-ratelimit-", "anthropic-ratelimit-", "cf-", "x-amz-")
# response headers that vary with a re-record but that scrubbing keeps (they describe the body)
VARYING = ("etag", "content-length", "via", "server", "last-modified")

PLACEHOLDER = "REDACTED"


def volatile(header: str) -> bool:
    h = header.lower()
    return h in VOLATILE or h.startswith(VOLATILE_PREFIXES)


def is_credential_header(name: str) -> bool:
    """Whether a request header carries a credential: one of the named ones, or any whose name says key,
    token, secret, password or credential (not a CSRF token, not a count of tokens)."""
    low = name.lower()
    return low in REQUEST_ERRORS or (bool(_CREDENTIAL_NAME.search(low)) and not _NOT_CREDENTIALS.search(low))


def redacted_by_scrub(name: str) -> bool:
    """Whether scrub replaces a request header's value: a credential header, or the cookie."""
    return name.lower() == "cookie" or is_credential_header(name)


def _visitor(name: str) -> bool:
    return any(name == c or (c.endswith("_") and name.startswith(c)) for c in VISITOR_COOKIES)


def cookie_severity(value: str) -> str:
    """How much a recorded request cookie matters, judged by each cookie's name and value: ``error`` when
    one carries a session or an authentication (its name says so, or its value is a token: a JWT, or long
    and random), ``warning`` when they only tell visitors apart (analytics ids, Cloudflare's bot management)."""
    worst = "warning"
    for part in value.split(";"):
        if "=" not in part:
            continue
        name, _, v = part.partition("=")
        name, v = name.strip(), v.strip()
        if _visitor(name):
            continue
        if _SESSION_COOKIE.search(name) or v.startswith("eyJ") or _random(v):
            return "error"
    return worst


def _random(value: str) -> bool:
    """A value long and varied enough to be a token (20+ characters of letters and digits, both)."""
    core = value.strip('"')
    return len(core) >= 20 and any(c.isdigit() for c in core) and any(c.isalpha() for c in core) and \
        all(c.isalnum() or c in "-_.~+/=%" for c in core)


def is_placeholder_value(value: Any, placeholder: str = PLACEHOLDER) -> bool:
    """A recorded credential value that only stands in for one (``REDACTED``, ``DUMMY``, the project's own)."""
    from recordings.placeholders import is_placeholder

    values = value if isinstance(value, list) else [value]
    return all(isinstance(v, str) and (v in (PLACEHOLDER, placeholder) or is_placeholder(v)) for v in values)


def credential_fields(where: str, request_headers: Mapping[str, str], response_headers: Mapping[str, str],
                      url: str | None, req_at: str = "request.headers", res_at: str = "response.headers",
                      url_at: str = "request.uri") -> list[tuple[str, str, str, str]]:
    """(where, field, value, severity) of the credential-bearing headers and url keys of one exchange."""
    out = []
    for name, value in request_headers.items():
        low = name.lower()
        if low == "cookie":
            out.append((f"{where} {req_at}", name, value, cookie_severity(value)))
        elif is_credential_header(low):
            out.append((f"{where} {req_at}", name, value, "error"))
    for name, value in response_headers.items():
        if name.lower() in RESPONSE_WARNINGS:
            out.append((f"{where} {res_at}", name, value, "warning"))
    for m in URL_KEY.finditer(url or ""):
        out.append((f"{where} {url_at}", m.group(2), m.group(3), "error"))
    return out


def scanned_text(request_headers: Mapping[str, str], url: str | None) -> bytes:
    """What a token scan reads of a request besides its body: the url and every header that is not a
    credential header (those are reported by name, once)."""
    lines = [f"{name}: {value}" for name, value in request_headers.items() if not redacted_by_scrub(name)]
    if url:
        lines.append(url)
    return "\n".join(lines).encode("utf-8", "surrogatepass")
