"""No key written in the repository opens a service.

Every literal that looks like a key, on a line about a secret, a password, a token or auth,
in any file of the repository, must be listed (by SHA-256) in
`opsledger.published_keys`, which every service refuses as its token key. Commit a key
and this test fails until it is listed, and so refused.
"""

import hashlib
import re
import subprocess
from pathlib import Path

import pytest
from opsledger.published_keys import PUBLISHED_KEY_SHA256, is_published
from opsledger.settings import Settings, UnsafeConfigurationError

REPO = Path(__file__).resolve().parents[2]
# Minified third-party bundles: no line of ours, and lines of megabytes.
_VENDORED = ("kernel/src/opsledger/static/",)
_LONGEST_LINE = 500

_ABOUT_A_SECRET = re.compile(r"secret|passw|api[_-]?key|auth|token|hmac", re.IGNORECASE)
# 32+ key characters right after a quote, `:-` (a shell or compose default), `=` or `: `.
_KEY_LITERAL = re.compile(r"""(?:["'`]|:-|=|:\s)([A-Za-z0-9+/=._~-]{32,})""")
# `settings.auth_clock_leeway_seconds`, `opsledger.secrets_registry.events`,
# `OPSLEDGER_AUTH_MAX_TOKEN_MINUTES`, `auth_secret_is_the_development_default`: names, not
# keys (a random key mixes cases or has no underscore).
_NAME = re.compile(
    r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+|[A-Z0-9]+(_[A-Z0-9]+)+|[a-z0-9]+(_[a-z0-9]+)+"
    # `allow.everyone.if.no.acl.found=false`: a lower-case property and its value
    r"|[a-z][a-z0-9.]*=[\w.:-]+"
    # `contracts/examples/follow_topic.py`: a path to a file
    r"|[\w.-]+(/[\w.-]+)+\.[a-z]{1,4}"
    # `schemas/secrets_registry/ClearanceEnded` (a regex in asyncapi.yaml): words and
    # slashes, no digit (a random key of 32 characters almost surely has one)
    r"|[a-z_]+(/[A-Za-z_]+)+"
    # `opsledger.secrets-registry.events` (a Kubernetes name): dotted words with hyphens
    r"|[a-z_][a-z0-9_-]*(\.[a-z_][a-z0-9_-]*)+"
    # `generateCertificateAuthority=true`, `OPSLEDGER_DASHBOARD_COOKIE_SECURE=true`: a flag
    r"|[A-Za-z][\w.]*=(true|false|\d+)"
    # `deploy/k8s/overlays/dev/secrets/auth-secret`, `application/x-www-form-urlencoded`:
    # lower-case paths and media types (a random key mixes cases)
    r"|[a-z0-9_.-]+(/[a-z0-9_.+-]+)+/?"
)


def key_literals(text: str) -> set[str]:
    """Every literal of `text` that looks like a key."""
    found: set[str] = set()
    for line in text.splitlines():
        if len(line) <= _LONGEST_LINE and _ABOUT_A_SECRET.search(line):
            found.update(
                match.group(1)
                for match in _KEY_LITERAL.finditer(line)
                if not _NAME.fullmatch(match.group(1))
            )
    return found


def repository_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    return [
        REPO / name
        for name in listed.split("\0")
        if name and not name.startswith(_VENDORED) and (REPO / name).is_file()
    ]


def test_the_scanner_finds_a_key_however_it_is_written() -> None:
    key = "Zq8" + "x7Lm2Pw9Rt4Vb6Nc1Hd5Jf3Kg0Sa8Ue"
    samples = [
        f'AUTH_SECRET = "{key}"',
        f"  OPSLEDGER_AUTH_SECRET: ${{OPSLEDGER_AUTH_SECRET:-{key}}}",
        f"export OPSLEDGER_AUTH_SECRET={key}",
        f"token_key: {key}",
    ]
    for sample in samples:
        assert key_literals(sample) == {key}, sample
    assert key_literals(f"checksum = {key}") == set()  # not on a line about a secret
    for name in (
        "settings.auth_clock_leeway_seconds",
        "OPSLEDGER_AUTH_MAX_TOKEN_MINUTES_AND_MORE",
        "auth_secret_is_the_development_default",
        "security.protocol=SASL_PLAINTEXT",
        "contracts/examples/follow_topic.py",
        "opsledger.secrets-registry.events.dlq",
        "generateCertificateAuthority=true",
        "OPSLEDGER_DASHBOARD_COOKIE_SECURE=true",
        "deploy/k8s/overlays/dev/secrets/auth-secret",
        "deploy/k8s/overlays/dev/secrets/",
        "application/x-www-form-urlencoded",
    ):
        assert key_literals(f'token_name = "{name}"') == set(), name
    mixed = "Ab_" + "Cd" * 15  # underscores, but mixed case: could be a key
    assert key_literals(f'auth_key = "{mixed}"') == {mixed}
    # a signed token is dotted too, but mixes cases: still found
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkcnYtMDcifQ." + "Zq8x7Lm2-Pw9Rt4Vb6Nc1Hd5Jf3Kg0Sa8Ue"
    assert key_literals(f'token = "{jwt}"') == {jwt}


def test_every_key_literal_in_the_repository_is_refused_by_the_services() -> None:
    files = repository_files()
    assert len(files) > 100  # the scan did see the repository
    unlisted: dict[str, str] = {}
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary
        for literal in key_literals(text):
            digest = hashlib.sha256(literal.encode()).hexdigest()
            if digest not in PUBLISHED_KEY_SHA256:
                unlisted.setdefault(digest, f"{path.relative_to(REPO)}: {literal[:6]}...")
    assert not unlisted, (
        "keys written in the repository but not in opsledger.published_keys "
        "(add these SHA-256, or use a random key at run time):\n"
        + "\n".join(f'    "{digest}",  # {where}' for digest, where in sorted(unlisted.items()))
    )


@pytest.mark.parametrize(
    "key",
    [
        "opsledger-dev-secret-change-me-0123456789",  # the old built-in key
        "change-me-change-me-change-me-0123456789",  # the old docker-compose default
    ],
)
def test_a_published_key_is_refused_and_a_random_one_is_not(key: str) -> None:
    assert is_published(key)
    with pytest.raises(UnsafeConfigurationError, match="published"):
        Settings(auth_secret=key).auth_key()
    fresh = "k" + hashlib.sha256(key.encode()).hexdigest()  # never written anywhere
    assert not is_published(fresh)
    assert Settings(auth_secret=fresh).auth_key() == fresh
