// k6 script: POST /v1/classify at a constant arrival rate (open loop, like `loadgen run --mode open`).
// Run: k6 run -e BASE_URL=http://127.0.0.1:8080 -e MODEL=my-bert -e RATE=200 -e DURATION=30s loadtests/k6/classify.js
// The server's x-queue-time and x-inference-time headers (ms) go into the Trend metrics server_queue_time and
// server_inference_time, shown beside http_req_duration in k6's summary. Answers the server's result cache gave
// (X-Cache: hit) count in cache_hits; -e NO_CACHE=1 sends Cache-Control: no-cache so every request runs the model.
import http from 'k6/http';
import { check } from 'k6';
import { Trend, Counter } from 'k6/metrics';

const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const MODEL = __ENV.MODEL || 'default';
const TEXTS = __ENV.TEXTS_FILE
  ? open(__ENV.TEXTS_FILE).split('\n').filter((l) => l.trim().length > 0)
  : ['The service was quick and the answer was right.', 'I waited an hour and nobody called me back.'];

const queueTime = new Trend('server_queue_time', true);
const inferenceTime = new Trend('server_inference_time', true);
const httpErrors = new Counter('http_errors');
const cacheHits = new Counter('cache_hits');
const HEADERS = { 'Content-Type': 'application/json', ...(__ENV.NO_CACHE ? { 'Cache-Control': 'no-cache' } : {}) };

export const options = {
  scenarios: {
    classify: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 50),
      timeUnit: '1s',
      duration: __ENV.DURATION || '30s',
      preAllocatedVUs: Number(__ENV.VUS || 50),
      maxVUs: Number(__ENV.MAX_VUS || 500),
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(99)<1000'],
  },
  summaryTrendStats: ['avg', 'p(50)', 'p(90)', 'p(99)', 'p(99.9)', 'max'],
};

export function recordServerTimings(res) {
  const q = parseFloat(res.headers['X-Queue-Time'] || res.headers['x-queue-time']);
  const i = parseFloat(res.headers['X-Inference-Time'] || res.headers['x-inference-time']);
  if (!Number.isNaN(q)) queueTime.add(q);
  if (!Number.isNaN(i)) inferenceTime.add(i);
}

export default function () {
  const text = TEXTS[Math.floor(Math.random() * TEXTS.length)];
  const res = http.post(`${BASE_URL}/v1/classify`, JSON.stringify({ model: MODEL, inputs: [text] }), {
    headers: HEADERS,
  });
  if ((res.headers['X-Cache'] || res.headers['x-cache']) === 'hit') cacheHits.add(1);
  if (res.status >= 400 || res.status === 0) httpErrors.add(1, { status: String(res.status) });
  check(res, { 'status is 200': (r) => r.status === 200 });
  recordServerTimings(res);
}
