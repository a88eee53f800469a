import pytest

from triplec.messaging.providers.base import PERMANENT, THROTTLE, TRANSIENT, ProviderError


@pytest.mark.parametrize(
    "code,kind",
    [
        (131026, PERMANENT),
        (131047, PERMANENT),
        (132000, PERMANENT),
        (132001, PERMANENT),
        (132012, PERMANENT),
        (190, PERMANENT),
        (130429, THROTTLE),
        (131056, THROTTLE),
        (80007, THROTTLE),
        (4, THROTTLE),
        (131053, TRANSIENT),
        (131016, TRANSIENT),
    ],
)
def test_it_classes_each_error_code_of_the_contract(code, kind):
    error = ProviderError.from_code(code, "title", http_status=400)
    assert error.kind == kind
    assert error.reason_id and error.reason_id.isascii()


def test_it_gives_staff_reasons_in_indonesian():
    assert ProviderError.from_code(131026).reason_id.startswith("Nomor tidak terdaftar di WhatsApp")
    assert ProviderError.from_code(131047).reason_id == "Di luar jendela 24 jam: hanya template yang boleh dikirim"


def test_it_treats_http_5xx_as_transient_and_ambiguous_and_429_as_throttle():
    server = ProviderError.from_code(None, "HTTP 503", http_status=503)
    assert (server.kind, server.ambiguous) == (TRANSIENT, True)
    assert ProviderError.from_code(None, "HTTP 429", http_status=429).kind == THROTTLE


def test_it_fails_unknown_codes_permanently_with_the_code_in_the_reason():
    error = ProviderError.from_code(999999, "Something new", http_status=400)
    assert error.kind == PERMANENT and "999999" in error.reason_id
