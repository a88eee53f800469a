"""Property: whatever a correctly signed body holds, intake answers 200 and stores it, processing raises nothing,
and the event ends processed or quarantined.

The bodies are Meta's own payloads (inbound messages of every kind, statuses in every state, template updates,
system errors) mutated the ways a broken sender or proxy would: a value of the wrong type, a key missing, a null,
a list where an object was, an object where a list was, an empty container, NaN/Infinity, huge numbers, and a few
byte-level breakages (truncated, a stray non-UTF-8 or NUL byte).

Deterministic where it must be: with CI set (as `.ci/run` sets it) the `webhooks-ci` profile derandomizes the
examples, and no example database is written anywhere.
"""

import copy
import hashlib
import json
import os

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from triplec.messaging import wsgi
from triplec.messaging.models import EventState, WebhookEvent
from triplec.messaging.webhooks import process_events, sign

from .factories import (
    SECRET,
    call_wsgi,
    envelope,
    inbound_payload,
    make_channel,
    make_template,
    sent_template,
    status_payload,
    webhook_environ,
)

pytestmark = pytest.mark.django_db

EXAMPLES = 2000
_COMMON = dict(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("webhooks-ci", derandomize=True, **_COMMON)
settings.register_profile("webhooks-dev", **_COMMON)
PROFILE = settings.get_profile("webhooks-ci" if os.environ.get("CI") else "webhooks-dev")

NOW = "1754557200"


def _statuses(*items: dict) -> dict:
    return envelope({"statuses": list(items)})


def _status(name: str, **extra) -> dict:
    return {
        **status_payload("wamid.OUT1", name, ts=int(NOW))["entry"][0]["changes"][0]["value"]["statuses"][0],
        **extra,
    }


def _template_change(field: str, value: dict) -> dict:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "922000000000002", "time": int(NOW), "changes": [{"field": field, "value": value}]}],
    }


BASES = [
    inbound_payload("Saya mau bayar", wamid="wamid.T1", ts=int(NOW)),
    inbound_payload("Halo", wa_id="6281234567890", user_id="ID.1234567890", wamid="wamid.T2", ts=int(NOW)),
    inbound_payload(
        wamid="wamid.B1",
        ts=int(NOW),
        type="button",
        button={"payload": "PAY_INFO", "text": "Cara bayar"},
        context={"id": "wamid.OUT1"},
    ),
    inbound_payload(
        wamid="wamid.I1",
        ts=int(NOW),
        type="interactive",
        interactive={"type": "button_reply", "button_reply": {"id": "pay", "title": "Bayar"}},
    ),
    inbound_payload(
        wamid="wamid.L1",
        ts=int(NOW),
        type="interactive",
        interactive={"type": "list_reply", "list_reply": {"id": "row1", "title": "Cicil", "description": "x"}},
    ),
    inbound_payload(
        wamid="wamid.D1",
        ts=int(NOW),
        type="document",
        document={"caption": "bukti", "filename": "bukti.pdf", "id": "m1", "mime_type": "application/pdf"},
    ),
    inbound_payload(
        wamid="wamid.G1", ts=int(NOW), type="location", location={"latitude": -10.17, "longitude": 123.6, "name": "KPP"}
    ),
    inbound_payload(
        wamid="wamid.U1", ts=int(NOW), type="unsupported", errors=[{"code": 131051, "title": "Message type unknown"}]
    ),
    _statuses(
        _status("sent", pricing={"billable": True, "pricing_model": "PMP", "type": "regular", "category": "utility"})
    ),
    _statuses(_status("delivered"), _status("read")),
    _statuses(_status("read", biz_opaque_callback_data="00000000-0000-4000-8000-000000000000")),
    _statuses(
        _status(
            "failed",
            errors=[
                {"code": 131026, "title": "Message undeliverable", "error_data": {"details": "Message Undeliverable."}}
            ],
        )
    ),
    envelope({"errors": [{"code": 130429, "title": "Rate limit hit", "error_data": {"details": "x"}}]}),
    _template_change(
        "message_template_status_update",
        {
            "event": "APPROVED",
            "message_template_id": 900,
            "message_template_name": "tagihan_v1",
            "message_template_language": "id",
            "reason": "NONE",
        },
    ),
    _template_change(
        "template_category_update",
        {
            "message_template_id": 900,
            "message_template_name": "tagihan_v1",
            "message_template_language": "id",
            "previous_category": "MARKETING",
            "new_category": "UTILITY",
        },
    ),
    _template_change("account_update", {"event": "VERIFIED_ACCOUNT"}),
]

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.text(max_size=12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([float("nan"), float("inf"), 10**30, -1, ""]),
)
BY_TYPE = {  # a value of each JSON type, to put one where another was
    type(None): st.none(),
    bool: st.booleans(),
    int: st.integers(min_value=-(10**40), max_value=10**40),
    float: st.floats() | st.sampled_from([float("nan"), float("inf"), 1e308]),
    str: st.text(max_size=12),
    list: st.lists(SCALARS, max_size=3),
    dict: st.dictionaries(st.text(max_size=6), SCALARS, max_size=3),
}


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


def _get(node, path):
    for part in path:
        node = node[part]
    return node


@st.composite
def mutated_bodies(draw) -> bytes:
    payload = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(list(_paths(payload))))
        old = _get(payload, path)
        kind = draw(st.sampled_from(["type", "type", "null", "delete", "wrap", "swap", "empty"]))
        if kind == "type":
            new = draw(
                draw(st.sampled_from([strategy for kind_, strategy in BY_TYPE.items() if kind_ is not type(old)]))
            )
        elif kind == "null":
            new = None
        elif kind == "wrap":
            new = [old]
        elif kind == "swap":  # a list for an object and an object for a list
            new = (
                list(old.values())
                if isinstance(old, dict)
                else {str(i): v for i, v in enumerate(old)}
                if isinstance(old, list)
                else {"value": old}
            )
        elif kind == "empty":
            new = type(old)() if isinstance(old, (dict, list, str)) else 0
        else:
            new = None
        if not path:
            payload = new if kind != "delete" else {}
            continue
        parent = _get(payload, path[:-1])
        if kind == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = new
    body = json.dumps(payload).encode()
    breakage = draw(st.sampled_from([None] * 12 + ["truncate", "byte"]))
    if breakage == "truncate":
        body = body[: draw(st.integers(min_value=0, max_value=len(body)))]
    elif breakage == "byte":
        at = draw(st.integers(min_value=0, max_value=len(body)))
        body = body[:at] + draw(st.sampled_from([b"\xff", b"\x00", b"\xc3", b"\\u0000", b"\\ud800"])) + body[at:]
    return body


@pytest.fixture
def world(settings):
    settings.WHATSAPP_WEBHOOK_PROCESSING = "loop"  # the test processes each stored event itself
    channel = make_channel()
    template = make_template(channel, meta_id="900")
    sent_template(channel, template=template)
    return channel


def _post(body: bytes) -> str:
    environ = webhook_environ(body, CONTENT_LENGTH=str(len(body)), HTTP_X_HUB_SIGNATURE_256=sign(body, SECRET))
    return call_wsgi(wsgi.application, environ)[0]


@settings(parent=PROFILE)
@given(body=mutated_bodies())
def test_no_signed_body_raises_and_each_ends_processed_or_quarantined(world, body):
    assert _post(body) == "200 OK"
    stored = WebhookEvent.objects.get(body_hash=hashlib.sha256(body).hexdigest())
    process_events([stored.pk])  # raises nothing: a poison is quarantined, a failure recorded
    stored.refresh_from_db()
    assert stored.state in (EventState.PROCESSED, EventState.QUARANTINED), (stored.state, stored.error)
    event(f"{stored.state} {stored.reason_code}")  # the mix, with --hypothesis-show-statistics
    if stored.state == EventState.QUARANTINED:
        assert stored.reason_code and stored.reason and not stored.reason.startswith("could not be validated")
