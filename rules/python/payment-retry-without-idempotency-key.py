import time
import uuid

import backoff
import stripe
from tenacity import retry, stop_after_attempt


def charge_with_retry(customer_id, amount_cents):
    for attempt in range(3):
        try:
            # ruleid: python.payment-retry-without-idempotency-key
            return stripe.PaymentIntent.create(amount=amount_cents, currency="usd", customer=customer_id, confirm=True)
        except stripe.error.APIConnectionError:
            time.sleep(2 ** attempt)
    raise RuntimeError("payment failed")


@retry(stop=stop_after_attempt(5))
def charge(order):
    # ruleid: python.payment-retry-without-idempotency-key
    return stripe.Charge.create(amount=order.total_cents, currency="eur", source=order.token)


@backoff.on_exception(backoff.expo, stripe.error.APIConnectionError, max_tries=4)
def refund(charge_id):
    # ruleid: python.payment-retry-without-idempotency-key
    return stripe.Refund.create(charge=charge_id)


def charge_safely(order):
    key = f"order-{order.id}"
    for attempt in range(3):
        try:
            # ok: python.payment-retry-without-idempotency-key
            return stripe.PaymentIntent.create(amount=order.total_cents, currency="usd", idempotency_key=key)
        except stripe.error.APIConnectionError:
            time.sleep(2 ** attempt)


def charge_once(order):
    # ok: python.payment-retry-without-idempotency-key
    return stripe.PaymentIntent.create(amount=order.total_cents, currency="usd", customer=order.customer_id)


def list_charges(customers):
    for customer in customers:
        # ok: python.payment-retry-without-idempotency-key
        stripe.Charge.list(customer=customer.id, limit=10)


def bill_all(invoices):
    for invoice in invoices:
        # ok: python.payment-retry-without-idempotency-key
        stripe.Charge.create(amount=invoice.total_cents, currency="usd", customer=invoice.customer_id)


def charge_until_done(order):
    while True:
        try:
            # ruleid: python.payment-retry-without-idempotency-key
            return stripe.PaymentIntent.create(amount=order.total_cents, currency="usd", confirm=True)
        except stripe.error.APIConnectionError as exc:
            log.warning("retrying: %s", exc)
