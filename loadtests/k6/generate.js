// k6 script: POST /v1/generate with stream: true (server-sent events: one `data:` event per token, then a final
// event with usage), constant arrival rate.
// Run: k6 run -e BASE_URL=http://127.0.0.1:8080 -e MODEL=my-gpt -e RATE=5 -e MAX_NEW_TOKENS=64 loadtests/k6/generate.js
// k6's http module buffers the whole response, so per-token timing is not visible to it: time to first token is
// approximated by http_req_waiting (time to the first response byte, i.e. headers plus the first flushed event),
// tokens are counted from the `data:` events in the body, and tokens/s is tokens over the whole receive time.
// For exact TTFT and inter-token latency use the .NET generator (`--scenario generate`). The generation endpoint
// is written against SPEC's contract; it has not been measured against a real model here.
import http from 'k6/http';
import { check } from 'k6';
import { Trend, Counter } from 'k6/metrics';

const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const MODEL = __ENV.MODEL || 'default';
const MAX_NEW_TOKENS = Number(__ENV.MAX_NEW_TOKENS || 64);
const PROMPTS = ['Once upon a time', 'The quick brown fox', 'In a distant galaxy'];

const queueTime = new Trend('server_queue_time', true);
const inferenceTime = new Trend('server_inference_time', true);
const timeToFirstByte = new Trend('time_to_first_byte', true);
const tokensPerSecond = new Trend('tokens_per_second');
const tokens = new Counter('tokens');

export const options = {
  scenarios: {
    generate: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 2),
      timeUnit: '1s',
      duration: __ENV.DURATION || '30s',
      preAllocatedVUs: Number(__ENV.VUS || 10),
      maxVUs: Number(__ENV.MAX_VUS || 100),
    },
  },
  thresholds: { http_req_failed: ['rate<0.01'] },
  summaryTrendStats: ['avg', 'p(50)', 'p(90)', 'p(99)', 'max'],
};

export function countTokens(body) {
  let count = 0;
  for (const block of String(body || '').split('\n\n')) {
    const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
    if (data.length === 0 || data === '[DONE]') continue;
    try {
      const json = JSON.parse(data);
      if (json && (json.usage || json.error)) continue;
    } catch (e) {
      // plain-text token
    }
    count++;
  }
  return count;
}

export default function () {
  const prompt = PROMPTS[Math.floor(Math.random() * PROMPTS.length)];
  const res = http.post(
    `${BASE_URL}/v1/generate`,
    JSON.stringify({ model: MODEL, prompt, max_new_tokens: MAX_NEW_TOKENS, stream: true }),
    { headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' } },
  );
  check(res, { 'status is 200': (r) => r.status === 200 });
  const n = countTokens(res.body);
  tokens.add(n);
  timeToFirstByte.add(res.timings.waiting);
  if (res.timings.receiving > 0 && n > 1) tokensPerSecond.add((n - 1) / (res.timings.receiving / 1000));
  const q = parseFloat(res.headers['X-Queue-Time'] || res.headers['x-queue-time']);
  const i = parseFloat(res.headers['X-Inference-Time'] || res.headers['x-inference-time']);
  if (!Number.isNaN(q)) queueTime.add(q);
  if (!Number.isNaN(i)) inferenceTime.add(i);
}
