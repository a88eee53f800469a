"""Reading a webhook POST's body whole from a WSGI environ, with or without Content-Length.

Meta (or a proxy in front of us) may send `Transfer-Encoding: chunked` with no Content-Length. A WSGI server that
de-chunks the body says so with `wsgi.input_terminated` (granian, gunicorn, mod_wsgi): its input ends where the
body ends, and is read to the end. One that does not (Django's development server) cannot give us the body, so
the request is refused with 411 rather than checked against an empty body. The signature is then checked on
exactly the bytes read here.
"""

MAX_BODY = 3 * 1024 * 1024  # Meta's payloads are a few kB; Django's own cap is 2.5 MB
_CHUNK = 64 * 1024


class BodyError(Exception):
    """A request whose body cannot be read as sent: (HTTP status, a plain message for the sender)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def read_body(environ: dict, limit: int = MAX_BODY) -> bytes:
    stream = environ["wsgi.input"]
    raw = (environ.get("CONTENT_LENGTH") or "").strip()
    if raw:
        if not raw.isascii() or not raw.isdigit():  # int() would take "+5", " 5", "1_0"
            raise BodyError(400, "bad Content-Length")
        length = int(raw)
        if length > limit:
            raise BodyError(413, "payload too large")
        body = _read(stream, length)
        if len(body) != length:
            raise BodyError(400, "body shorter than its Content-Length")
        return body
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        if not environ.get("wsgi.input_terminated"):
            raise BodyError(411, "a chunked body is not readable on this server: send Content-Length")
        body = _read(stream, limit + 1)
        if len(body) > limit:
            raise BodyError(413, "payload too large")
        return body
    return b""


def _read(stream, size: int) -> bytes:
    """Up to `size` bytes, or fewer at the end of the input (a server may return less than asked per read)."""
    parts, left = [], size
    while left > 0:
        part = stream.read(min(left, _CHUNK))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)
