const axios = require("axios");
const axiosRetry = require("axios-retry").default;

const payments = axios.create({ baseURL: process.env.PAYMENTS_URL, timeout: 5000 });
// ruleid: javascript.axios-retry-non-idempotent
axiosRetry(payments, { retries: 5, retryCondition: () => true, retryDelay: axiosRetry.exponentialDelay });

const orders = axios.create({ baseURL: process.env.ORDERS_URL, timeout: 5000 });
// ruleid: javascript.axios-retry-non-idempotent
axiosRetry(orders, {
  retries: 3,
  retryCondition: (error) => axiosRetry.isNetworkError(error) || axiosRetry.isRetryableError(error),
});

// ruleid: javascript.axios-retry-non-idempotent
axiosRetry(axios, { retries: Infinity });

const catalog = axios.create({ baseURL: process.env.CATALOG_URL, timeout: 5000 });
// ok: javascript.axios-retry-non-idempotent
axiosRetry(catalog, { retries: 3, retryDelay: axiosRetry.exponentialDelay });

// ok: javascript.axios-retry-non-idempotent
axiosRetry(orders, { retries: 3, retryCondition: axiosRetry.isNetworkOrIdempotentRequestError });
