const pRetry = require("p-retry");
const Stripe = require("stripe");
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY);

async function chargeOrder(order) {
  return pRetry(
    // ruleid: javascript.payment-retry-without-idempotency-key
    () => stripe.paymentIntents.create({ amount: order.totalCents, currency: "usd", customer: order.customerId, confirm: true }),
    { retries: 3 },
  );
}

async function refund(chargeId) {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // ruleid: javascript.payment-retry-without-idempotency-key
      return await stripe.refunds.create({ charge: chargeId });
    } catch (err) {
      await sleep(2 ** attempt * 200);
    }
  }
}

async function chargeSafely(order) {
  return pRetry(
    // ok: javascript.payment-retry-without-idempotency-key
    () => stripe.paymentIntents.create(
      { amount: order.totalCents, currency: "usd", customer: order.customerId },
      { idempotencyKey: `order-${order.id}` },
    ),
    { retries: 3 },
  );
}

async function chargeOnce(order) {
  // ok: javascript.payment-retry-without-idempotency-key
  return stripe.paymentIntents.create({ amount: order.totalCents, currency: "usd", customer: order.customerId });
}
