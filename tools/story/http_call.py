#!/usr/bin/env python3
"""A small HTTP client for the story (curl is not on every fresh machine): http_call.py METHOD URL
[JSON-BODY] [--user NAME:PASSWORD] [--status]. Prints the response body, or with --status only the
HTTP status code. Exit code 1 on a transport error."""
import base64
import sys
import urllib.error
import urllib.request


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    flags = sys.argv[1:]
    user = None
    if "--user" in flags:
        user = flags[flags.index("--user") + 1]
        args.remove(user)
    method, url = args[0], args[1]
    body = args[2].encode() if len(args) > 2 else None
    req = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if user:
        req.add_header("Authorization", "Basic " + base64.b64encode(user.encode()).decode())
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    except OSError as e:
        print(f"http_call.py: {method} {url}: {e}", file=sys.stderr)
        return 1
    print(status if "--status" in flags else text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
