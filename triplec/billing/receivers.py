"""What billing does when the ledger records payments: the receipt to the taxpayer."""

import logging

from django.dispatch import receiver

from triplec.ledger.models import Payment
from triplec.ledger.signals import payments_applied

from .messages import send_payment_receipt

log = logging.getLogger(__name__)


@receiver(payments_applied, dispatch_uid="billing.receipts")
def send_receipts(sender, payment_ids: list[int], **kwargs) -> None:
    """A receipt per payment applied to documents, settled or not. A messaging failure never undoes a payment."""
    for payment in Payment.objects.filter(pk__in=payment_ids).select_related("taxpayer", "office"):
        try:
            send_payment_receipt(payment=payment)
        except Exception:  # noqa: BLE001 - logged; staff see the payment regardless
            log.exception("receipt for payment %s could not be queued", payment.pk)
