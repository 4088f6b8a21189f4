function addToCart(cart, form) {
  // ruleid: javascript.float-money
  const unitPrice = parseFloat(form.price);
  cart.total += unitPrice * form.qty;
}

function parseRow(row) {
  return {
    sku: row[0],
    // ruleid: javascript.float-money
    amount: parseFloat(row[1]),
  };
}

function addToCartOk(cart, form) {
  // ok: javascript.float-money
  const unitPriceCents = Math.round(Number(form.priceCents));
  cart.totalCents += unitPriceCents * form.qty;
}

function parseLatency(row) {
  // ok: javascript.float-money
  const durationMs = parseFloat(row.duration);
  return durationMs;
}

function applyDiscount(invoice) {
  // ruleid: javascript.float-money
  const amount = Number(invoice.amount);
  return amount - amount * (Number(invoice.discountPct) / 100);
}

function pageOk(req) {
  // ok: javascript.float-money
  const page = Number(req.query.page);
  return page;
}
