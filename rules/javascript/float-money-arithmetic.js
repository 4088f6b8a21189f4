function orderTotal(order, taxRate) {
  // ruleid: javascript.float-money-arithmetic
  return parseFloat(order.amount) * (1 + taxRate);
}

function cartTotal(items) {
  // ruleid: javascript.float-money-arithmetic
  return items.reduce((sum, item) => sum + parseFloat(item.price), 0);
}

function applyRefund(req, balance) {
  // ruleid: javascript.float-money-arithmetic
  return balance - Number(req.body.refundAmount);
}

function orderTotalOk(order, taxRate) {
  // ok: javascript.float-money-arithmetic
  return new Decimal(order.amount).times(new Decimal(1).plus(taxRate));
}

function progress(done, job) {
  // ok: javascript.float-money-arithmetic
  return parseFloat(done) / parseFloat(job.totalCount);
}

function scale(conversion) {
  // ok: javascript.float-money-arithmetic
  return parseFloat(conversion.rate) * 100;
}
