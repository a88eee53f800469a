"""Attacks on the REST API's bodies: every malformed one answers 4xx with a JSON reason, never 500."""

import json

import pytest
from django.test import Client

from triplec.api.models import ApiToken
from triplec.tests.support import make_office, make_taxpayer, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    office = make_office()
    taxpayer = make_taxpayer(office)
    raw_token = ApiToken.issue(user=make_user("sidjp", "collection_staff", office=office), name="core system")[1]
    client = Client(raise_request_exception=False)  # a server error must show as a 500, not as a test crash

    def post(raw: bytes | str):
        return client.post(
            "/api/v1/payments", data=raw, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw_token}"
        )

    post.taxpayer = taxpayer
    return post


def payment(taxpayer, **fields) -> dict:
    return {
        "ntpn": "0A1B2C3D4E5F6G7H",
        "npwp": taxpayer.npwp16,
        "kap": "411125",
        "kjs": "300",
        "amount": 1_500_000,
        "paid_at": "2026-11-20T10:30:00+08:00",
        **fields,
    }


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("[" * 100_000 + "]" * 100_000, "terlalu dalam"),  # issue 12: RecursionError
        ('{"a":' * 40 + "1" + "}" * 40, "terlalu dalam"),
        ('{"ntpn": NaN}', "NaN"),
        ('{"ntpn": "\\ud800"}', "surrogate"),
        ('{"ntpn": "a\\u0000b"}', "NUL"),
        (b"\xff\xfe", "UTF-8"),
        ("{", "bukan JSON"),
    ],
)
def test_it_refuses_a_malformed_body_with_400_and_the_reason(api, raw, reason):
    response = api(raw)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_json" and reason in error["message"]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"paid_at": "9999-12-31T23:59:59-14:00"}, "paid_at"),  # UTC would be year 10000: OverflowError
        ({"paid_at": "0001-01-01T00:00:00+14:00"}, "paid_at"),
        ({"paid_at": "2026-02-30T10:00:00+08:00"}, "paid_at"),  # matches the pattern, not a date: ValueError
        ({"paid_at": 20261120}, "paid_at"),
        ({"period_start": "2026-02-30"}, "period_start"),
        ({"period_start": "0001-01-01"}, "period_start"),
        ({"amount": "9" * 5000}, "amount"),  # more digits than int() accepts
        ({"amount": 10**30}, "amount"),  # wider than the database column
        ({"amount": "１２３"}, "amount"),  # full-width digits pass str.isdigit()
        ({"amount": 1.5}, "amount"),
        ({"amount": [1]}, "amount"),
        ({"cleared": "yes"}, "cleared"),
        ({"npwp": {"x": 1}}, "npwp"),
    ],
)
def test_it_rejects_an_item_with_a_wrong_type_or_out_of_range_value(api, fields, field):
    response = api(json.dumps(payment(api.taxpayer, **fields)))
    assert response.status_code == 422, response.content
    [result] = response.json()["results"]
    assert result["status"] == "rejected" and result["error"]["field"] == field and result["error"]["message"]


def test_it_still_accepts_a_payment_at_the_edge_of_the_accepted_years(api):
    response = api(json.dumps(payment(api.taxpayer, paid_at="1900-01-01T12:00:00+08:00")))
    assert response.status_code == 200, response.json()
    assert response.json()["summary"]["imported"] == 1
