"""The issuer of billing codes behind a small interface: a simulated DJP issuer by default, the real one later.

Providers split errors into permanent (the request can never succeed as it is: tell the user) and transient
(try again later: network, timeout, 5xx). The service logs every exchange whatever the outcome.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import BillingCode


class GatewayError(Exception):
    """Base of issuer errors; `message` is safe to show to staff (Indonesian)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermanentGatewayError(GatewayError):
    """The issuer refused the request (bad NPWP/KAP, not configured): retrying will not help."""


class TransientGatewayError(GatewayError):
    """The issuer could not answer now (timeout, network, 5xx): the same request may succeed later."""


@dataclass(frozen=True)
class BillingItem:
    npwp: str
    kap: str
    kjs: str
    period_start: dt.date
    period_end: dt.date
    tax_year: int
    document_number: str
    amount: int


@dataclass(frozen=True)
class BillingRequest:
    items: tuple[BillingItem, ...]
    reference: str  # our idempotency reference (office code + items key hash), for the issuer's own dedup

    @property
    def amount(self) -> int:
        return sum(i.amount for i in self.items)

    def as_json(self) -> dict:
        return {
            "reference": self.reference,
            "amount": self.amount,
            "items": [
                {**asdict(i), "period_start": i.period_start.isoformat(), "period_end": i.period_end.isoformat()}
                for i in self.items
            ],
        }


@dataclass(frozen=True)
class BillingResponse:
    code: str
    amount: int
    issued_at: dt.datetime
    expires_at: dt.datetime  # as the issuer says; never computed by us
    raw: dict

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "amount": self.amount,
            "issued_at": self.issued_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "raw": self.raw,
        }


class BillingGateway:
    """Interface: turn a request into a code, or raise Permanent/TransientGatewayError."""

    name = "abstract"

    def issue(self, request: BillingRequest) -> BillingResponse:  # pragma: no cover - interface
        raise NotImplementedError


class SimulatedDjpGateway(BillingGateway):
    """Behaves like DJP's issuer: a unique 15-digit code, first digit 0-3 (DJP's range), and its own expiry."""

    name = "simulated"

    def __init__(
        self,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        validity_hours: int | None = None,
        is_taken: Callable[[str], bool] | None = None,
    ) -> None:
        self.clock = clock or timezone.now
        self.validity = dt.timedelta(
            hours=validity_hours if validity_hours is not None else settings.BILLING_VALIDITY_HOURS
        )
        self.is_taken = is_taken or _code_taken

    def issue(self, request: BillingRequest) -> BillingResponse:
        if not request.items:
            raise PermanentGatewayError("Permintaan kode billing tanpa item")
        for item in request.items:
            if item.amount <= 0:
                raise PermanentGatewayError(f"Jumlah untuk {item.document_number} harus lebih dari nol")
            if len(item.kap) != 6 or not item.kap.isdigit() or len(item.kjs) != 3 or not item.kjs.isdigit():
                raise PermanentGatewayError(f"KAP/KJS {item.kap}-{item.kjs} untuk {item.document_number} tidak valid")
        for _ in range(20):
            code = str(secrets.randbelow(4)) + "".join(str(secrets.randbelow(10)) for _ in range(14))
            if not self.is_taken(code):
                break
        else:  # pragma: no cover - 4e14 codes
            raise TransientGatewayError("Penerbit tidak menemukan kode yang belum terpakai; coba lagi")
        now = self.clock()
        expires = now + self.validity
        raw = {
            "kodeBilling": code,
            "jumlahSetor": request.amount,
            "tanggalTerbit": now.isoformat(),
            "masaAktif": expires.isoformat(),
            "simulated": True,
        }
        return BillingResponse(code=code, amount=request.amount, issued_at=now, expires_at=expires, raw=raw)


def _code_taken(code: str) -> bool:
    return BillingCode.objects.filter(code=code).exists()


class RealDjpGateway(BillingGateway):
    """Skeleton for DJP's host-to-host billing service (MPN/SIMPONI via Coretax). Not invented here.

    DJP does not publish this API; an office obtains the specification, endpoint, credentials and certificate
    through its Kanwil/Direktorat TIK agreement. This class holds the transport (httpx, timeouts, mutual TLS,
    the error split) and the one place where the request and response are mapped: `_to_payload` and
    `_from_payload` must be written against the specification the office receives. See docs/billing.md.
    """

    name = "djp"

    def __init__(self, *, client=None) -> None:
        self.url = settings.BILLING_DJP_URL
        if not self.url or not settings.BILLING_DJP_CLIENT_ID:
            raise PermanentGatewayError(
                "Penerbit kode billing DJP belum dikonfigurasi (BILLING_DJP_URL, BILLING_DJP_CLIENT_ID); hubungi administrator"
            )
        self._client = client

    def _http(self):
        if self._client is None:
            cert = (
                (settings.BILLING_DJP_CLIENT_CERT, settings.BILLING_DJP_CLIENT_KEY)
                if settings.BILLING_DJP_CLIENT_CERT
                else None
            )
            self._client = httpx.Client(
                timeout=settings.BILLING_DJP_TIMEOUT,
                cert=cert,
                auth=(settings.BILLING_DJP_CLIENT_ID, settings.BILLING_DJP_CLIENT_SECRET),
            )
        return self._client

    def _to_payload(self, request: BillingRequest) -> dict:
        raise PermanentGatewayError("Pemetaan permintaan ke spesifikasi DJP belum diisi (lihat docs/billing.md)")

    def _from_payload(self, data: dict, request: BillingRequest) -> BillingResponse:
        raise PermanentGatewayError("Pemetaan jawaban DJP belum diisi (lihat docs/billing.md)")

    def issue(self, request: BillingRequest) -> BillingResponse:
        payload = self._to_payload(request)
        try:
            response = self._http().post(self.url, json=payload)
        except (httpx.TimeoutException, httpx.NetworkError) as exc:
            raise TransientGatewayError(f"Penerbit DJP tidak dapat dihubungi ({type(exc).__name__})") from None
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientGatewayError(f"Penerbit DJP sedang bermasalah (HTTP {response.status_code})")
        if response.status_code >= 400:
            raise PermanentGatewayError(f"Penerbit DJP menolak permintaan (HTTP {response.status_code})")
        return self._from_payload(response.json(), request)


def default_gateway() -> BillingGateway:
    return import_string(settings.BILLING_GATEWAY)()
