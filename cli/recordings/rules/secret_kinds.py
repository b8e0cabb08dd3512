"""The credential formats the ``secrets`` rule knows by their shape: one entry per kind of token.

The list follows gitleaks' default rule set (``config/gitleaks.toml``: a rule per provider, each with the
literal keywords a token must contain), restricted to the formats that carry their own prefix, so that a
token is told from any other text without a name beside it, plus the providers LLM projects call (xAI,
Perplexity, Replicate, LangSmith, Pinecone, Jina, Cerebras, Together…), which gitleaks' list lacks. Keys
without a prefix of their own (Mistral, Cohere, Voyage, Exa, Brave…) are found by where they sit: a
credential header, or a key-named field (see :mod:`recordings.rules.secrets`).

Each kind: an id, what it is, the literal every token starts with (its gate: the one-pass scan looks for
it, and the pattern runs only where it occurs), the pattern of what follows it, and a made-up sample of
the rest, which the tests plant in every place a recording can hold it. A token must not follow a letter
or a digit (``task-…``, an id holding ``ghp``); ``boundary=False`` for kinds whose literal is its own
boundary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    id: str
    name: str
    prefix: bytes  # what every token starts with: the gate
    rest: bytes  # the pattern of what follows the prefix (RE syntax, bytes)
    sample: str  # a made-up rest that matches, for the tests (never a real credential)
    boundary: bool = True  # the token may not follow a letter or a digit

    @property
    def pattern(self) -> re.Pattern[bytes]:
        return _compiled(self)

    @property
    def example(self) -> str:
        return self.prefix.decode() + self.sample


_CACHE: dict[str, re.Pattern[bytes]] = {}


# where a token may start: not inside a word (after a digit it may, and after an escape such as \n in JSON
# text); a JWT never continues another base64url run. Checked by the regex engine before anything after the
# prefix is read, so a rejected position costs nothing however long the run that follows it.
_BOUNDARY = rb"(?:(?<![A-Za-z])|(?<=\\[A-Za-z]))"
_JWT_BOUNDARY = rb"(?<![A-Za-z0-9_\-])"


def _compiled(kind: Kind) -> re.Pattern[bytes]:
    p = _CACHE.get(kind.id)
    if p is None:
        start = _JWT_BOUNDARY if kind.id == "jwt" else _BOUNDARY if kind.boundary else b""
        p = _CACHE[kind.id] = re.compile(start + re.escape(kind.prefix) + kind.rest)
    return p


# made-up material for samples: distinct characters, no real credential
_A = "Zq7Xk2Pm9Rt4Wv6Yb8Nc3Hd5Jf1Lg0Qs"  # 32 letters and digits
_H = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"  # 32 hex
_U = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"  # a UUID

KINDS: tuple[Kind, ...] = (
    # LLM providers
    Kind("anthropic", "Anthropic API key", b"sk-ant-", rb"[A-Za-z0-9_\-]{20,}",
         "api03-" + _A + _A + "AA"),
    Kind("openai", "OpenAI-style API key", b"sk-", rb"(?!ant-)(?:proj-|svcacct-|admin-|or-v1-|lf-)?[A-Za-z0-9_\-]{20,}",
         "proj-" + _A + "T3BlbkFJ" + _A),
    Kind("xai", "xAI API key", b"xai-", rb"[A-Za-z0-9]{40,}", _A + _A + _A[:16]),
    Kind("perplexity", "Perplexity API key", b"pplx-", rb"[A-Za-z0-9]{32,}", _A + _A[:16]),
    Kind("replicate", "Replicate API token", b"r8_", rb"[A-Za-z0-9]{30,}", _A + "abcde"),
    Kind("groq", "Groq API key", b"gsk_", rb"[A-Za-z0-9]{40,}", _A + _A[:20]),
    Kind("google-api", "Google API key", b"AIza", rb"[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])", "Sy" + _A + "x"),
    Kind("google-oauth", "Google OAuth token", b"ya29.", rb"[0-9A-Za-z_\-]{20,}", "a0" + _A),
    Kind("huggingface", "Hugging Face token", b"hf_", rb"[A-Za-z0-9]{30,}", _A + "ab"),
    Kind("huggingface-org", "Hugging Face organization token", b"api_org_", rb"[A-Za-z]{30,}",
         "QwErTyUiOpAsDfGhJkLzXcVbNmQwErTyUi"),
    Kind("tavily", "Tavily API key", b"tvly-", rb"(?:dev-|prod-)?[A-Za-z0-9]{20,}", "dev-" + _A),
    Kind("nvidia", "NVIDIA API key", b"nvapi-", rb"[A-Za-z0-9_\-]{40,}", _A + _A[:16]),
    Kind("fireworks", "Fireworks API key", b"fw_", rb"[A-Za-z0-9]{20,}", _A[:24]),
    Kind("langsmith", "LangSmith API key", b"lsv2_", rb"(?:pt|sk)_[A-Za-z0-9_]{30,}", "pt_" + _H + "_" + _H[:10]),
    Kind("pinecone", "Pinecone API key", b"pcsk_", rb"[A-Za-z0-9_]{30,}", _A[:6] + "_" + _A + _A[:10]),
    Kind("jina", "Jina AI API key", b"jina_", rb"[A-Za-z0-9_\-]{40,}", _H + _A),
    Kind("cerebras", "Cerebras API key", b"csk-", rb"[a-z0-9]{40,}", _H.lower() + "k2p9r4t6w8y1b3n5"),
    Kind("together", "Together AI API key", b"tgp_v1_", rb"[A-Za-z0-9_\-]{30,}", _A + "Xy_9"),
    Kind("elevenlabs", "ElevenLabs API key", b"sk_", rb"[a-f0-9]{48}(?![A-Za-z0-9])", _H + _H[:16]),
    Kind("e2b", "E2B API key", b"e2b_", rb"[a-f0-9]{40}", _H + _H[:8]),
    Kind("firecrawl", "Firecrawl API key", b"fc-", rb"[a-f0-9]{32}(?![A-Za-z0-9])", _H),
    Kind("voyage", "Voyage AI API key", b"pa-", rb"[A-Za-z0-9_\-]{40,}", _A + _A[:12]),
    # code hosting and packages
    Kind("github", "GitHub token", b"gh", rb"[pousr]_[A-Za-z0-9]{36,}", "p_" + _A + "abcd"),
    Kind("github-fine-grained", "GitHub fine-grained token", b"github_pat_", rb"[A-Za-z0-9_]{40,}",
         "11AB" + _A + "_" + _A + _A[:14]),
    Kind("gitlab", "GitLab token", b"gl", rb"(?:pat|dt|ptt|rt|oas|cbt|ft|soat|imt|agent|ffct)-[A-Za-z0-9_\-]{20,}",
         "pat-" + _A[:20]),
    Kind("npm", "npm access token", b"npm_", rb"[A-Za-z0-9]{36}", _A + "abcd"),
    Kind("pypi", "PyPI upload token", b"pypi-AgEIcHlwaS5vcmc", rb"[A-Za-z0-9_\-]{50,}", _A + _A),
    Kind("rubygems", "RubyGems API key", b"rubygems_", rb"[a-f0-9]{48}", _H + _H[:16]),
    Kind("artifactory", "Artifactory API key", b"AKCp", rb"[A-Za-z0-9]{69}", _A + _A + "Qw3Er"),
    Kind("atlassian", "Atlassian API token", b"ATATT3", rb"[A-Za-z0-9_\-=]{180,}", (_A * 6)[:186]),
    Kind("postman", "Postman API key", b"PMAK-", rb"[a-f0-9]{24}-[a-f0-9]{34}", _H[:24] + "-" + _H + "ab"),
    Kind("readme", "ReadMe API key", b"rdme_", rb"[a-z0-9]{70}", (_H * 3)[:70]),
    # cloud
    Kind("aws-access-key", "AWS access key id", b"AKIA", rb"[A-Z2-7]{16}(?![A-Z0-9])", "ZQ7XK2PM3RT4WV6Y"),
    Kind("aws-session-key", "AWS access key id", b"ASIA", rb"[A-Z2-7]{16}(?![A-Z0-9])", "ZQ7XK2PM3RT4WV6Y"),
    Kind("azure-ad-secret", "Azure AD client secret", b"Q~", rb"[A-Za-z0-9_~.\-]{31,34}", _A[:31] + "~x",
         boundary=False),
    Kind("azure-storage-key", "Azure storage account key", b"AccountKey=", rb"[A-Za-z0-9+/]{86}==",
         (_A * 3)[:86] + "==", boundary=False),
    Kind("azure-shared-access-key", "Azure shared access key", b"SharedAccessKey=", rb"[A-Za-z0-9+/]{42,44}=",
         _A + "Qw3Er6Ty9Ui=", boundary=False),
    Kind("digitalocean", "DigitalOcean token", b"do", rb"[opr]_v1_[a-f0-9]{64}", "p_v1_" + _H + _H),
    Kind("alibaba", "Alibaba Cloud access key id", b"LTAI", rb"[A-Za-z0-9]{20}", _A[:20]),
    Kind("heroku", "Heroku API key", b"HRKU-AA", rb"[0-9A-Za-z_\-]{58}", (_A * 2)[:58]),
    Kind("hashicorp-vault", "HashiCorp Vault token", b"hvs.", rb"[A-Za-z0-9_\-]{24,}", _A),
    Kind("terraform", "Terraform Cloud token", b".atlasv1.", rb"[A-Za-z0-9_\-=]{60,70}", (_A * 2)[:64],
         boundary=False),
    Kind("doppler", "Doppler token", b"dp.", rb"(?:pt|st|ct|sa|scim)\.[A-Za-z0-9]{40,}", "pt." + _A + _A[:11]),
    Kind("dynatrace", "Dynatrace API token", b"dt0c01.", rb"[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}", _A[:24] + "." + _A + _A),
    Kind("grafana", "Grafana token", b"gl", rb"(?:c|sa)_[A-Za-z0-9+/_]{32,}", "sa_" + _A + "_" + _H[:8]),
    Kind("pulumi", "Pulumi access token", b"pul-", rb"[a-f0-9]{40}", _H + _H[:8]),
    Kind("planetscale", "PlanetScale token", b"pscale_", rb"(?:tkn|pw|oauth)_[A-Za-z0-9_=.\-]{32,64}", "tkn_" + _A),
    Kind("supabase", "Supabase access token", b"sbp_", rb"[a-f0-9]{40}", _H + _H[:8]),
    Kind("vercel", "Vercel token", b"vc", rb"[pkir]_[A-Za-z0-9]{24,}", "p_" + _A),
    Kind("netlify", "Netlify token", b"nf", rb"[pc]_[A-Za-z0-9]{36,}", "p_" + _A + "abcd"),
    Kind("flyio", "Fly.io token", b"fo1_", rb"[A-Za-z0-9_\-]{43}", (_A * 2)[:43]),
    Kind("openshift", "OpenShift user token", b"sha256~", rb"[A-Za-z0-9_\-]{43}", (_A * 2)[:43]),
    Kind("age", "age secret key", b"AGE-SECRET-KEY-1", rb"[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
         ("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L" * 2)[:58]),
    Kind("onepassword", "1Password service account token", b"ops_eyJ", rb"[A-Za-z0-9+/]{250,}={0,3}", _A * 8),
    # payments, messaging, SaaS
    Kind("stripe", "Stripe secret key", b"", rb"[sr]k_(?:live|prod)_[A-Za-z0-9]{20,}", "sk_live_" + _A),
    Kind("stripe-webhook", "Stripe webhook secret", b"whsec_", rb"[A-Za-z0-9]{32,}", _A),
    Kind("square", "Square access token", b"sq0atp-", rb"[A-Za-z0-9_\-]{22,60}", _A[:22]),
    Kind("shopify", "Shopify token", b"shp", rb"(?:at|ca|pa|ss)_[a-fA-F0-9]{32}", "at_" + _H),
    Kind("slack-token", "Slack token", b"xox", rb"[abposre]-[0-9A-Za-z\-]{10,}", "b-1234567890-0987654321-" + _A[:24]),
    Kind("slack-app", "Slack app token", b"xapp-", rb"\d-[A-Z0-9]+-\d+-[a-z0-9]+", "1-A0B1C2D3E4F-1234567890-" + _H),
    Kind("slack-webhook", "Slack webhook url", b"hooks.slack.com/", rb"(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}",
         "services/T0AB1CD2E/B3FG4HI5J/" + _A[:24], boundary=False),
    Kind("discord-webhook", "Discord webhook url", b"discord.com/api/webhooks/", rb"\d{17,20}/[A-Za-z0-9_\-]{60,}",
         "123456789012345678/" + _A + _A, boundary=False),
    Kind("teams-webhook", "Microsoft Teams webhook url", b".webhook.office.com/webhookb2/", rb"[a-z0-9\-@]{40,}",
         (_U + "@" + _U)[:80], boundary=False),
    Kind("sendgrid", "SendGrid API key", b"SG.", rb"[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}",
         _A[:22] + "." + (_A * 2)[:43]),
    Kind("sendinblue", "Brevo (Sendinblue) API key", b"xkeysib-", rb"[a-f0-9]{64}-[A-Za-z0-9]{16}", _H + _H + "-" + _A[:16]),
    Kind("twilio", "Twilio API key", b"SK", rb"[0-9a-f]{32}(?![0-9a-fA-F])", _H),
    Kind("mailchimp", "Mailchimp API key", b"", rb"[a-f0-9]{32}-us\d{1,2}(?![0-9])", _H + "-us21"),
    Kind("mailgun", "Mailgun API key", b"key-", rb"[a-f0-9]{32}(?![0-9a-f])", _H),
    Kind("hubspot", "HubSpot private app token", b"pat-", rb"(?:na|eu)\d-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-"
         rb"[a-f0-9]{12}", "na1-" + _U.replace("a6b", "a6b")),
    Kind("linear", "Linear API key", b"lin_api_", rb"[A-Za-z0-9]{40}", _A + _A[:8]),
    Kind("notion", "Notion token", b"ntn_", rb"[A-Za-z0-9]{40,}", "12345678901" + _A + "abc"),
    Kind("airtable", "Airtable token", b"pat", rb"[A-Za-z0-9]{14}\.[a-f0-9]{64}", _A[:14] + "." + _H + _H),
    Kind("sentry", "Sentry token", b"sntry", rb"[us]_[A-Za-z0-9+/=_]{60,}", "u_" + _H + _H),
    Kind("newrelic", "New Relic key", b"NR", rb"(?:AK|II|JS)-[A-Za-z0-9]{19,32}", "AK-" + _A[:27]),
    Kind("prefect", "Prefect API key", b"pnu_", rb"[A-Za-z0-9]{36}", _A + "abcd"),
    Kind("duffel", "Duffel API token", b"duffel_", rb"(?:test|live)_[A-Za-z0-9_\-=]{43}", "live_" + (_A * 2)[:43]),
    Kind("easypost", "EasyPost API key", b"EZ", rb"[AT]K[A-Za-z0-9]{54}", "AK" + (_A * 2)[:54]),
    Kind("flutterwave", "Flutterwave secret key", b"FLWSECK", rb"(?:_TEST)?-[a-h0-9]{32}-X", "_TEST-" + _H[:32].replace("9", "1") + "-X"),
    Kind("frameio", "Frame.io token", b"fio-u-", rb"[A-Za-z0-9_\-=]{64}", _A + _A),
    Kind("infracost", "Infracost API key", b"ico-", rb"[A-Za-z0-9]{32}(?![A-Za-z0-9])", _A),
    Kind("scalingo", "Scalingo API token", b"tk-us-", rb"[A-Za-z0-9_\-]{48}", _A + _A[:16]),
    Kind("telegram", "Telegram bot token", b"", rb"\d{8,10}:AA[A-Za-z0-9_\-]{33}(?![A-Za-z0-9_\-])",
         "123456789:AA" + _A + "x"),
    Kind("facebook", "Facebook access token", b"EAA", rb"[CM][A-Za-z0-9]{100,}", "C" + _A * 4),
    # generic formats
    Kind("jwt", "JSON web token", b"eyJ", rb"[A-Za-z0-9_\-]{8,4096}\.eyJ[A-Za-z0-9_\-]{8,8192}\.[A-Za-z0-9_\-]{16,1024}",
         "hbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." + _A),
    Kind("private-key", "private key", b"-----BEGIN ", rb"(?:[A-Z]+ )?PRIVATE KEY-----", "RSA PRIVATE KEY-----",
         boundary=False),
)

#: kinds whose gate is not a fixed prefix (``b""``): their pattern is the gate
UNPREFIXED = tuple(k for k in KINDS if not k.prefix)


# what the one-pass scan looks for where a prefix alone is too common a text, or there is none
_GATES: dict[str, bytes] = {
    "github": rb"gh[pousr]_", "gitlab": rb"gl(?:pat|dt|ptt|rt|oas|cbt|ft|soat|imt|agent|ffct)-",
    "digitalocean": rb"do[opr]_v1_", "vercel": rb"vc[pkir]_", "netlify": rb"nf[pc]_",
    "shopify": rb"shp(?:at|ca|pa|ss)_", "slack-token": rb"xox[abposre]-", "twilio": rb"SK[0-9a-f]{32}",
    "newrelic": rb"NR(?:AK|II|JS)-", "easypost": rb"EZ[AT]K", "airtable": rb"pat[A-Za-z0-9]{14}\.",
    "sentry": rb"sntry[us]_", "doppler": rb"dp\.(?:pt|st|ct|sa|scim)\.", "mailgun": rb"key-[a-f0-9]{8}",
    "voyage": rb"pa-[A-Za-z0-9_\-]{20}", "firecrawl": rb"fc-[a-f0-9]{8}", "elevenlabs": rb"sk_[a-f0-9]{8}",
    "stripe": rb"[sr]k_(?:live|prod)_", "mailchimp": rb"[a-f0-9]{8}-us\d", "telegram": rb"\d:AA[A-Za-z0-9_\-]{8}",
    "grafana": rb"gl(?:c|sa)_", "hubspot": rb"pat-(?:na|eu)\d-", "facebook": rb"EAA[CM][A-Za-z0-9]{20}",
}


def gate(kind: Kind) -> bytes:
    """What the one-pass scan looks for to find this kind (RE2 syntax: no look-around)."""
    return _GATES.get(kind.id) or re.escape(kind.prefix)
