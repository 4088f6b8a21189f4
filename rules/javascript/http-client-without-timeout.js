const got = require("got");
const superagent = require("superagent");
const axios = require("axios");
const ky = require("ky");

async function rates() {
  // ruleid: javascript.http-client-without-timeout
  const body = await got("https://rates.example.com/latest").json();
  // ruleid: javascript.http-client-without-timeout
  await got.post("https://hooks.example.com/notify", { json: body });
  return body;
}

async function profile(id) {
  // ruleid: javascript.http-client-without-timeout
  const res = await superagent.get(`https://users.example.com/${id}`).set("Accept", "application/json");
  return res.body;
}

// ruleid: javascript.http-client-without-timeout
const api = axios.create({ baseURL: "https://api.example.com", timeout: 0 });

async function download(url) {
  // ruleid: javascript.http-client-without-timeout
  return ky.get(url, { timeout: false }).arrayBuffer();
}

async function ratesOk() {
  // ok: javascript.http-client-without-timeout
  return got("https://rates.example.com/latest", { timeout: { request: 10000 } }).json();
}

async function profileOk(id) {
  // ok: javascript.http-client-without-timeout
  const res = await superagent.get(`https://users.example.com/${id}`).timeout({ response: 5000, deadline: 30000 });
  return res.body;
}

// ok: javascript.http-client-without-timeout
const apiOk = axios.create({ baseURL: "https://api.example.com", timeout: 10000 });

async function downloadOk(url) {
  // ok: javascript.http-client-without-timeout
  return ky.get(url, { timeout: 30000 }).arrayBuffer();
}
