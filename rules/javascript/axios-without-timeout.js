import axios from "axios";

export async function getRates() {
  // ruleid: javascript.axios-without-timeout
  const { data } = await axios.get("https://fx.example.com/rates");
  return data;
}

// ruleid: javascript.axios-without-timeout
export const billing = axios.create({ baseURL: "https://billing.internal", headers: { "x-svc": "shop" } });

export async function notify(payload) {
  // ruleid: javascript.axios-without-timeout
  await axios.post("https://hooks.example.com/notify", payload);
}

export async function getRatesOk() {
  // ok: javascript.axios-without-timeout
  const { data } = await axios.get("https://fx.example.com/rates", { timeout: 5000 });
  return data;
}

// ok: javascript.axios-without-timeout
export const billingOk = axios.create({ baseURL: "https://billing.internal", timeout: 3000 });

export async function notifyOk(payload) {
  // ok: javascript.axios-without-timeout
  await axios.post("https://hooks.example.com/notify", payload, { timeout: 2000 });
}
