async function saveOrder(db, order) {
  // ruleid: javascript.empty-catch
  try {
    await db.orders.insert(order);
  } catch (err) {}
}

function sendReceipt(mailer, order) {
  // ruleid: javascript.empty-catch
  mailer.send(order.email, "receipt", order).catch(() => {});
}

function parseConfig(raw) {
  // ruleid: javascript.empty-catch
  try {
    return JSON.parse(raw);
  } catch {}
  return {};
}

async function saveOrderOk(db, order, log) {
  // ok: javascript.empty-catch
  try {
    await db.orders.insert(order);
  } catch (err) {
    log.error({ err, orderId: order.id }, "order insert failed");
    throw err;
  }
}

function sendReceiptOk(mailer, order, log) {
  // ok: javascript.empty-catch
  mailer.send(order.email, "receipt", order).catch((err) => log.warn({ err }, "receipt failed"));
}
