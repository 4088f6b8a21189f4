async function login(user, pass) {
  // ruleid: javascript.plaintext-http-url
  return fetch("http://auth.example.com/login", { method: "POST", body: JSON.stringify({ user, pass }) });
}

// ruleid: javascript.plaintext-http-url
const api = axios.create({ baseURL: "http://api.example.com/v1", timeout: 5000 });

async function loginOk(user, pass) {
  // ok: javascript.plaintext-http-url
  return fetch("https://auth.example.com/login", { method: "POST", body: JSON.stringify({ user, pass }) });
}

// ok: javascript.plaintext-http-url
const local = axios.create({ baseURL: "http://localhost:3000", timeout: 5000 });
