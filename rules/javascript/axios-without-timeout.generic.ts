import axios from "axios";

export async function getPrice(sku: string): Promise<number> {
  // ruleid: javascript.axios-without-timeout
  const { data } = await axios.get<{ price: number }>(`https://pricing.internal/v1/${sku}`);
  return data.price;
}

export async function createOrder(order: Order): Promise<OrderId> {
  // ruleid: javascript.axios-without-timeout
  const res = await axios.post<OrderId>("https://orders.internal/v1/orders", order);
  return res.data;
}

export async function getPriceOk(sku: string): Promise<number> {
  // ok: javascript.axios-without-timeout
  const { data } = await axios.get<{ price: number }>(`https://pricing.internal/v1/${sku}`, { timeout: 5000 });
  return data.price;
}

export async function createOrderOk(order: Order): Promise<OrderId> {
  // ok: javascript.axios-without-timeout
  const res = await axios.post<OrderId>("https://orders.internal/v1/orders", order, { timeout: 5000 });
  return res.data;
}
