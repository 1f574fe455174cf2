// node-mocks-http peer of routekit's unit-call benchmark (benchmarks/unit.py).
// Times createMocks() + the same one-line JSON handler, after a warm-up, and prints the
// seconds per call of each round as JSON: {"per_call": [..]}.
// Usage: node mocks_bench.js <warmup_seconds> <batch_seconds> <rounds>
"use strict";
const { createMocks } = require("node-mocks-http");

function handler(req, res) {
  res.status(200).json({ hello: "world" });
}

function once() {
  const { req, res } = createMocks({ method: "GET", url: "/api/hello" });
  handler(req, res);
  return res;
}

function timeBatch(n) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) once();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const [warmup, batch, rounds] = process.argv.slice(2).map(Number);
const check = once();
if (check._getStatusCode() !== 200 || check._getJSONData().hello !== "world") {
  throw new Error("node-mocks-http answered " + check._getData());
}
// Warm-up doubles as calibration: how many calls fill one batch.
let n = 1;
let elapsed = 0;
const warmEnd = Date.now() + warmup * 1000;
while (Date.now() < warmEnd || elapsed < batch / 10) {
  elapsed = timeBatch(n);
  if (elapsed < batch / 10) n *= 2;
}
n = Math.max(1, Math.round((n * batch) / elapsed));
const perCall = [];
for (let r = 0; r < rounds; r++) perCall.push(timeBatch(n) / n);
process.stdout.write(JSON.stringify({ per_call: perCall, number: n }) + "\n");
