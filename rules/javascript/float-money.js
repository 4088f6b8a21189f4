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
