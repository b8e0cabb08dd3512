"""The secrets scan's one pass: the lines RE2's automaton picks hold every secret that scanning all
of a text's distinct lines finds (planted samples of every kind, at random places in random text)."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings, strategies as st

KEY = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0"
SAMPLES = [
    "sk-proj-" + KEY, "sk-ant-api03-" + KEY, "gsk_" + KEY + "abcdefgh", "AIza" + KEY[:35], "ya29." + KEY,
    "AKIA" + "ABCDEFGHIJKLMNOP", "ghp_" + KEY[:36], "hf_" + KEY[:30], "tvly-" + KEY[:20], "nvapi-" + KEY,
    "fw_" + KEY[:20], "sk_live_" + KEY[:24], "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_X",
    "-----BEGIN PRIVATE KEY-----", "Bearer " + KEY, "basic YWxpY2U6c2VjcmV0LXBhc3M=", "https://bob:pw1234@h.io/",
    '"aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz"', '"db_password": "' + "ab" * 32 + '"',
    '"Authorization": "token abc"', '\\"x-api-key\\": \\"k-123\\"', '"Set-Cookie": "s=1"', '"cookie": "a=b"',
    base64.b64encode(b"sk-proj-" + KEY.encode()).decode(), base64.b64encode(b"xAKIAABCDEFGHIJKLMNOP").decode(),
]


def _scan(text: bytes):
    from recordings.rules import secrets as S

    present = S._present(text)
    headers = sorted({m.group(0) for m in S._HEADER_ANYWHERE.finditer(text)}) if b"header" in present else []
    return sorted(S.scan_bytes(text, present)), headers



_filler = st.text(alphabet='abcdeyJkKsS_-.:/="@ 0123456789\\', max_size=30)


@given(st.lists(st.tuples(_filler, st.one_of(st.none(), st.sampled_from(SAMPLES)), _filler), max_size=14))
@settings(max_examples=300, deadline=None)
def test_candidate_lines_find_what_every_line_finds(lines):
    from recordings.rules import secrets as S

    from recordings.rules import bytescan

    if not bytescan.available():
        pytest.skip("google-re2 is not installed here: candidate lines are the distinct lines")
    blob = "\n".join(a + (b or "") + c for a, b, c in lines).encode()
    assert _scan(S.candidate_lines(blob)) == _scan(S.distinct_lines(blob))
