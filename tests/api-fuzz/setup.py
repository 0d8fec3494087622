"""Fills a throwaway data directory for the API fuzz run (tests/api-fuzz/run.sh) through the
`peil` command line, logs in through the API and writes what schemathesis needs as shell
assignments on stdout: the workspace id, an analyst API token, the admin's session cookie and
CSRF token.

Two organisations: "Gemeente Fuzz" (admin, analyst, webcare and FG; an active workspace with a
monitor and synthetic posts from 40 made-up authors, so cells pass k=5) and "Gemeente Anders"
(its own admin and workspace, so that ids of another tenant exist while the fuzzer guesses ids).
The posts are generated here (fixed seed); they name no real people.
"""

import base64
import hashlib
import hmac
import json
import os
import random
import struct
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone

PEIL, DATA, BASE, WORK = sys.argv[1:5]
ORG, OTHER_ORG = "Gemeente Fuzz", "Gemeente Anders"
PASSWORD = "een lang fuzz-wachtwoord 2026"


def peil(*args, stdin=None, acting=None):
    prefix = ["--as", acting] if acting else []
    result = subprocess.run(
        [PEIL, "--data-dir", DATA, *prefix, *args],
        input=stdin, capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        sys.exit(f"peil {' '.join(args[:2])} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def totp(secret, at=None):
    """RFC 6238: HMAC-SHA-1, 30-second steps, 6 digits."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int((at or time.time()) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def setup_data():
    peil("org", "create", "--name", ORG, "--why", "fuzz")
    peil("org", "create", "--name", OTHER_ORG, "--why", "fuzz")
    peil("user", "add", "--org", ORG, "--name", "fuzz-admin", "--role", "admin", "--why", "fuzz")
    peil("user", "add", "--org", OTHER_ORG, "--name", "ander-admin", "--role", "admin", "--why", "fuzz")
    for name, role in [("fuzz-analist", "analyst"), ("fuzz-webcare", "webcare"), ("fuzz-fg", "fg")]:
        peil("user", "add", "--org", ORG, "--name", name, "--role", role, "--why", "fuzz", acting="fuzz-admin")
    for name in ["fuzz-admin", "ander-admin", "fuzz-analist", "fuzz-webcare", "fuzz-fg"]:
        peil("user", "password", "--name", name, stdin=PASSWORD + "\n")
    uri = peil("user", "totp", "--name", "fuzz-admin").strip()
    secret = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
    common = ["--purpose", "trend_policy_analysis", "--purpose-text", "reacties op afvalbeleid",
              "--legal-basis", "AVG art. 6 lid 1 sub e", "--retention-days", "30", "--k", "5",
              "--own-account", "@gemeentefuzz", "--fg-contact", "fg@fuzz.example", "--why", "fuzz"]
    peil("workspace", "create", "--org", ORG, "--name", "afval", *common, acting="fuzz-admin")
    peil("workspace", "create", "--org", OTHER_ORG, "--name", "geheim", *common, acting="ander-admin")
    peil("workspace", "approve", "afval", "--why", "fuzz", acting="fuzz-fg")
    peil("workspace", "activate", "afval", "--why", "fuzz", acting="fuzz-admin")
    peil("monitor", "add", "--workspace", "afval", "--query", "afval OR container* OR #gft",
         "--why", "fuzz", acting="fuzz-analist")
    rng = random.Random(6)
    start = datetime.now(timezone.utc) - timedelta(days=3)
    words = ["afval", "container", "containers", "#gft", "ophalen", "wijk", "goed", "slecht",
             "prima", "vies", "stank", "nieuw", "beleid", "straat"]
    posts = os.path.join(WORK, "posts.jsonl")
    with open(posts, "w", encoding="utf-8") as out:
        for number in range(600):
            at = start + timedelta(minutes=rng.randrange(3 * 24 * 60))
            text = " ".join(rng.choice(words) for _ in range(8))
            out.write(json.dumps({
                "id": f"fuzz-{number}", "created_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "text": f"De {text}.", "author_id": f"auteur-{rng.randrange(40)}",
                "lang": "nl", "source": "mastodon",
            }) + "\n")
    peil("import", posts)
    return secret


def call(method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response, json.loads(response.read() or b"null")


def login(name, secret):
    body = {"name": name, "password": PASSWORD}
    if secret:
        body["totp"] = totp(secret)
    response, session = call("POST", "/api/v1/session", body)
    cookies = [
        header.split(";", 1)[0]
        for header in response.headers.get_all("Set-Cookie") or []
    ]
    return "; ".join(cookies), session["csrf_token"]


def main():
    if sys.argv[5] == "data":
        secret = setup_data()
        with open(os.path.join(WORK, "totp-secret"), "w", encoding="utf-8") as out:
            out.write(secret)
        return
    with open(os.path.join(WORK, "totp-secret"), encoding="utf-8") as source:
        secret = source.read().strip()
    cookie, csrf = login("fuzz-admin", secret)
    auth = {"Cookie": cookie, "X-CSRF-Token": csrf}
    _, workspaces = call("GET", "/api/v1/workspaces", headers=auth)
    workspace = next(w["id"] for w in workspaces["workspaces"] if w["name"] == "afval") \
        if isinstance(workspaces, dict) else next(w["id"] for w in workspaces if w["name"] == "afval")
    _, issued = call("POST", f"/api/v1/workspaces/{workspace}/tokens", {"role": "analyst"}, auth)
    print(f"WORKSPACE={workspace}")
    print(f"TOKEN={issued['token']}")
    print(f"COOKIE='{cookie}'")
    print(f"CSRF={csrf}")


main()
