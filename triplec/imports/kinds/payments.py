"""`triplec import payments FILE`: MPN payment records (NTPN), matched to debts by the ledger.

This kind only reads and checks the row; `triplec.ledger.payments.record_payment` decides what a payment pays
(matching, partial payments, overpayment) and refuses duplicates, so the console, the API and this importer all
follow one rule. The ledger takes a whole chunk at once and refuses rows one by one; a refused row writes nothing.
"""

from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from triplec.core.identifiers import InvalidIdentifier, parse_npwp
from triplec.core.phrases import Phrase
from triplec.imports import values
from triplec.ledger.payments import NTPN_RE, PaymentRejected, PaymentRow, record_payments

from .base import LABELS, Kind, Row, RowRejected, cell, limited
from .common import DOCUMENT_NUMBER, KAP, KJS, NPWP, optional, required

CLEARED = {
    "1": True,
    "ya": True,
    "yes": True,
    "true": True,
    "y": True,
    "lunas": True,
    "0": False,
    "tidak": False,
    "no": False,
    "false": False,
    "n": False,
    "t": False,
}


class PaymentsKind(Kind):
    name = "payments"
    dedupe = False  # a repeated NTPN is the ledger's call: the same payment again is "unchanged"
    columns = (
        required("ntpn", help=_("16 letters or digits")),
        optional("billing_code", help=_("15 digits, first 0-3")),
        replace(NPWP, required=False, help=_("payer's NPWP")),
        replace(DOCUMENT_NUMBER, required=False, help=_("the document paid, when the payer named it")),
        replace(KAP, required=False),
        replace(KJS, required=False),
        required("amount", help=_("whole rupiah, more than 0")),
        required("paid_at", help=_("date and time in WITA unless an offset is given")),
        optional("bank", help=_("bank or post office that received the payment")),
        optional("cleared", help=_("yes/no: the core system shows the balance cleared")),
    )

    key_column = "ntpn"

    def key(self, item):
        return item.ntpn

    def validate(self, row: Row):
        ntpn = row.text("ntpn").replace(" ", "").replace("-", "").upper()
        if not NTPN_RE.match(ntpn):
            raise RowRejected("ntpn", Phrase("NTPN must be exactly 16 letters or digits"))
        billing = ""
        if row.get("billing_code") is not None:
            billing = cell(row, "billing_code", values.digits, length=15, name=LABELS["billing_code"])
            if billing[0] not in "0123":
                raise RowRejected("billing_code", Phrase("billing code of a tax payment starts with 0, 1, 2 or 3"))
        npwp16 = ""
        if row.get("npwp") is not None:
            try:
                npwp = parse_npwp(row.cells["npwp"])
            except InvalidIdentifier as exc:
                raise RowRejected("npwp", exc.args[0]) from None
            if npwp.warning:
                row.warn("npwp", npwp.warning)
            npwp16 = npwp.npwp16
        kap = cell(row, "kap", values.digits, length=6, name="KAP") if row.get("kap") is not None else ""
        kjs = cell(row, "kjs", values.digits, length=3, name="KJS") if row.get("kjs") is not None else ""
        amount = cell(row, "amount", values.amount)
        if amount <= 0:
            raise RowRejected("amount", Phrase("amount must be more than 0"))
        paid_at = cell(row, "paid_at", values.local_datetime, self.ctx.default_tz)
        if paid_at > self.ctx.now:
            raise RowRejected("paid_at", Phrase("payment time is in the future"))
        cleared = False
        if row.get("cleared") is not None:
            cleared = cell(row, "cleared", values.choice, CLEARED, name=LABELS["cleared"])
        return PaymentRow(
            ntpn=ntpn,
            billing_code=billing,
            npwp16=npwp16,
            document_number=" ".join(limited(row, "document_number", 60, label=LABELS["document_number"]).split()),
            kap=kap,
            kjs=kjs,
            amount=amount,
            paid_at=paid_at,
            bank=limited(row, "bank", 100, label=LABELS["bank"]),
            cleared=cleared,
        )

    def write(self, batch) -> list:
        allowed = self.ctx.allowed_office_ids
        office_id = next(iter(allowed)) if allowed is not None and len(allowed) == 1 else None
        results = record_payments(
            [item for _, item in batch],
            actor=self.ctx.actor,
            channel=self.ctx.channel,
            office_id=office_id,
            batch_size=max(1, len(batch)),
        )
        statuses: list = []
        for (row, _validated), result in zip(batch, results, strict=True):
            if isinstance(result, PaymentRejected):
                statuses.append(RowRejected(result.column or "ntpn", result.message))
                continue
            for warning in result.warnings:
                row.warn("ntpn", warning)
            statuses.append(result.status)
        return statuses
