"""The shape of Meta's webhook bodies, checked before anything of a body reaches the database.

`parse_webhook(text)` turns a stored body into the plain dicts that processing reads, or raises `Poison` with the
exact reason. Every field that processing reads is declared here with its type and, where it lands in a column,
the column's length: a string where Meta sends a string (no coercion from numbers, no null where the code
expects text), integers within the database's range, timestamps Meta could send. Fields processing does not read
are ignored (Meta adds fields over time; an unknown one must not quarantine real traffic); what they hold is still
checked for what no database column can store (NUL, lone surrogates, NaN, nesting deeper than Meta ever sends).

Why pydantic (v2, strict mode): the checks are declarative, one class per object of the contract, and its error
locations (`entry.0.changes.0.value.statuses.3.timestamp`) are exactly the reason an administrator needs.
Checking a single-status body costs ~5 µs on top of `json.loads`, against ~75 µs to apply the status.
"""

import json
import math
from typing import Annotated, Any, Literal, NotRequired, TypedDict

from pydantic import (
    AfterValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    Tag,
    TypeAdapter,
    ValidationError,
    with_config,
)

MAX_DEPTH = 32  # Meta's deepest object is ~8 levels; a JSONField would fail on thousands (recursion)
MAX_TIMESTAMP = 10**13  # milliseconds well past the year 2200; seconds are < 10**11 (see statuses.meta_time)


class Poison(ValueError):
    """A body that can never be processed as it is: quarantined with `code` and `reason`, never retried."""

    def __init__(self, code: str, reason: str):
        super().__init__(f"{code}: {reason}")
        self.code, self.reason = code, reason


def _text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[str, Field(min_length=min_length, max_length=max_length)]


Id = _text(200, 1)  # wamid, message and status ids (InboundMessage.wamid, MessageStatus.wamid)


def _timestamp(value: Any) -> Any:
    # Meta's timestamps are Unix seconds as strings ("1754557200"); some senders use integers or milliseconds.
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 13:
        return value
    if type(value) is int and 0 <= value < MAX_TIMESTAMP:
        return value
    raise ValueError("expected a Unix time (digits, at most 13)")


def _template_id(value: Any) -> Any:
    # Meta sends a number; tests and older payloads a string. Stored as text (Template.meta_id, 40 characters).
    if (isinstance(value, str) or type(value) is int) and len(str(value)) <= 40:
        return value
    raise ValueError("expected a template id (a number or a string of at most 40 characters)")


Timestamp = Annotated[Any, PlainValidator(_timestamp)]
TemplateId = Annotated[Any, PlainValidator(_template_id)]
ErrorCode = Annotated[int, Field(ge=-(2**31), lt=2**31)]  # an IntegerField on both databases


STRICT = ConfigDict(strict=True, extra="ignore")

# TypedDicts rather than models: nothing is built from the result (processing reads the parsed dicts), and
# validating into dicts costs a quarter of building model instances (~4 µs against ~19 µs for a status body).
# Every key processing may do without is NotRequired; `| None` where processing reads `x or default`.


@with_config(STRICT)
class ErrorData(TypedDict, total=False):
    details: str


@with_config(STRICT)
class Error(TypedDict, total=False):
    code: ErrorCode | None
    title: str
    message: str
    error_data: ErrorData | None


@with_config(STRICT)
class Pricing(TypedDict, total=False):
    category: str
    billable: bool | None
    type: str


@with_config(STRICT)
class Status(TypedDict):
    id: Id
    status: _text(20, 1)
    timestamp: Timestamp
    biz_opaque_callback_data: NotRequired[_text(512)]
    errors: NotRequired[list[Error]]
    pricing: NotRequired[Pricing | None]


@with_config(STRICT)
class Profile(TypedDict, total=False):
    name: str


@with_config(STRICT)
class Contact(TypedDict, total=False):
    wa_id: _text(20)
    user_id: _text(140)
    profile: Profile | None


@with_config(STRICT)
class TextBody(TypedDict, total=False):
    body: str


@with_config(STRICT)
class Button(TypedDict, total=False):
    text: str
    payload: _text(256)


@with_config(STRICT)
class Reply(TypedDict, total=False):
    id: _text(256)
    title: str


@with_config(STRICT)
class Interactive(TypedDict, total=False):
    type: str
    button_reply: Reply | None
    list_reply: Reply | None


@with_config(STRICT)
class Media(TypedDict, total=False):
    id: _text(256)
    caption: str
    filename: str


@with_config(STRICT)
class Location(TypedDict, total=False):
    latitude: float | int | None
    longitude: float | int | None


@with_config(STRICT)
class Context(TypedDict, total=False):
    id: _text(200)


def _sender(value: str) -> str:
    # `from` is a phone number's digits (Peer.wa_id, 20 characters) or, for a username user, a business-scoped
    # user id ("ID.123…", Peer.user_id, 140 characters).
    if "." not in value and len(value) > 20:
        raise ValueError("a phone number sender has at most 20 characters")
    return value


Message = TypedDict(
    "Message",
    {  # functional form: `from` is a keyword
        "id": Id,
        "from": Annotated[_text(140, 1), AfterValidator(_sender)],
        "from_user_id": NotRequired[_text(140)],
        "timestamp": Timestamp,
        "type": _text(20, 1),
        "text": NotRequired[TextBody | None],
        "button": NotRequired[Button | None],
        "interactive": NotRequired[Interactive | None],
        "document": NotRequired[Media | None],
        "image": NotRequired[Media | None],
        "video": NotRequired[Media | None],
        "audio": NotRequired[Media | None],
        "voice": NotRequired[Media | None],
        "sticker": NotRequired[Media | None],
        "location": NotRequired[Location | None],
        "context": NotRequired[Context | None],
    },
)
Message.__pydantic_config__ = STRICT


@with_config(STRICT)
class Metadata(TypedDict):
    phone_number_id: _text(40, 1)


@with_config(STRICT)
class MessagesValue(TypedDict):
    metadata: Metadata
    contacts: NotRequired[list[Contact]]
    messages: NotRequired[list[Message]]
    statuses: NotRequired[list[Status]]
    errors: NotRequired[list[Error]]


@with_config(STRICT)
class TemplateStatusValue(TypedDict, total=False):
    event: _text(40)
    message_template_id: TemplateId
    message_template_name: _text(512)
    message_template_language: _text(15)
    reason: str | None


@with_config(STRICT)
class TemplateCategoryValue(TypedDict, total=False):
    message_template_id: TemplateId
    message_template_name: _text(512)
    message_template_language: _text(15)
    new_category: _text(20) | None


@with_config(STRICT)
class MessagesChange(TypedDict):
    field: Literal["messages"]
    value: MessagesValue


@with_config(STRICT)
class TemplateStatusChange(TypedDict):
    field: Literal["message_template_status_update"]
    value: TemplateStatusValue


@with_config(STRICT)
class TemplateCategoryChange(TypedDict):
    field: Literal["template_category_update"]
    value: TemplateCategoryValue


@with_config(STRICT)
class OtherChange(TypedDict):
    """A field we do not handle (account_update, user_preferences…): logged and skipped, its value unread."""

    field: _text(100)
    value: NotRequired[dict[str, Any]]


KNOWN_FIELDS = {"messages", "message_template_status_update", "template_category_update"}


def _field_of(change: Any) -> str:
    field = change.get("field") if isinstance(change, dict) else None
    return field if isinstance(field, str) and field in KNOWN_FIELDS else "other"


Change = Annotated[
    Annotated[MessagesChange, Tag("messages")]
    | Annotated[TemplateStatusChange, Tag("message_template_status_update")]
    | Annotated[TemplateCategoryChange, Tag("template_category_update")]
    | Annotated[OtherChange, Tag("other")],
    Discriminator(_field_of),
]


@with_config(STRICT)
class Entry(TypedDict):
    id: NotRequired[_text(40)]
    changes: list[Change]


@with_config(STRICT)
class Envelope(TypedDict):
    object: Literal["whatsapp_business_account"]
    entry: list[Entry]


_ENVELOPE = TypeAdapter(Envelope)


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:20]} is out of range")
    return value


def _check_values(payload: Any) -> None:
    """What no column can store, anywhere in the body (iterative: a deep body must not exhaust the stack)."""
    stack = [(payload, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Poison("too_deep", f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, dict):
            for key, value in node.items():
                _check_string(key)
                stack.append((value, depth + 1))
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)
        elif isinstance(node, str):
            _check_string(node)


def _check_string(text: str) -> None:
    if text.isascii():
        if "\x00" in text:
            raise Poison("bad_text", "a string holds a NUL character")
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Poison("bad_text", "a string holds a lone UTF-16 surrogate") from None


def _describe(exc: ValidationError) -> str:
    """The first few errors as `location: message`, the location in the body's own terms (without the union
    tag pydantic inserts after `changes.N`)."""
    parts = []
    for error in exc.errors(include_url=False)[:3]:
        loc = error["loc"]
        shown = [
            str(part)
            for i, part in enumerate(loc)
            if not (i >= 2 and loc[i - 2] == "changes" and isinstance(loc[i - 1], int))
        ]
        message = error["msg"].split(" or instance of ")[0]
        parts.append(f"{'.'.join(shown) or '(body)'}: {message}")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def parse_webhook(text: str) -> dict:
    """The body as dicts, or `Poison`. Unknown keys are kept (processing stores some objects whole)."""
    try:
        payload = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        raise Poison("too_deep", "nested too deep to parse") from None
    except ValueError as exc:  # JSONDecodeError, a number too long or out of range, NaN/Infinity
        raise Poison("not_json", str(exc)[:300]) from None
    # Only a \u escape can put a NUL or a lone surrogate into a string (the text itself is valid UTF-8 without
    # NUL: see webhook_store), and a body cannot be nested deeper than it has brackets: most bodies skip the walk.
    if "\\u" in text or text.count("{") + text.count("[") > MAX_DEPTH:
        _check_values(payload)
    try:
        _ENVELOPE.validate_python(payload)
    except ValidationError as exc:
        raise Poison("shape", _describe(exc)[:2000]) from None
    except Exception as exc:  # a validator's own bug must not loop on this body either
        raise Poison("shape", f"could not be validated: {exc!r}"[:2000]) from None
    return payload
