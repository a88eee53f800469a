"""What billing does for the ledger below it: answers its questions about codes, and sends the receipt when the
ledger records payments."""

import logging

from django.dispatch import receiver

from triplec.ledger.models import Payment
from triplec.ledger.signals import billing_codes_paid, billing_codes_wanted, billing_history_wanted, payments_applied

from .messages import send_payment_receipt
from .selectors import history_by_taxpayer, issued_codes
from .services import mark_codes_paid

log = logging.getLogger(__name__)


@receiver(billing_codes_wanted, dispatch_uid="billing.codes_wanted")
def answer_codes_wanted(sender, codes: list[str], **kwargs):
    """Payment matching path 1: the documents of each code we issued."""
    return issued_codes(codes)


@receiver(billing_codes_paid, dispatch_uid="billing.codes_paid")
def record_codes_paid(sender, paid: list, **kwargs) -> None:
    mark_codes_paid(paid)


@receiver(billing_history_wanted, dispatch_uid="billing.history_wanted")
def answer_history_wanted(sender, taxpayer_ids, **kwargs):
    """The bailiff's list shows the codes issued to each taxpayer so far."""
    return history_by_taxpayer(taxpayer_ids)


@receiver(payments_applied, dispatch_uid="billing.receipts")
def send_receipts(sender, payment_ids: list[int], **kwargs) -> None:
    """A receipt per payment applied to documents, settled or not. A messaging failure never undoes a payment."""
    for payment in Payment.objects.filter(pk__in=payment_ids).select_related("taxpayer", "office"):
        try:
            send_payment_receipt(payment=payment)
        except Exception:  # noqa: BLE001 - logged; staff see the payment regardless
            log.exception("receipt for payment %s could not be queued", payment.pk)
