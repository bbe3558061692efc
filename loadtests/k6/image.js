// k6 script: POST /v1/images/classify as multipart (field `model`, files field `images`), constant arrival rate.
// Run: k6 run -e BASE_URL=http://127.0.0.1:8080 -e MODEL=my-vit -e IMAGE=cat.jpg -e RATE=20 loadtests/k6/image.js
// IMAGE is read once at init (k6's open() works only there). x-queue-time / x-inference-time go into Trend metrics.
// Every request sends the same image, so all but the first are cache hits (cache_hits) unless -e NO_CACHE=1 sends
// Cache-Control: no-cache.
import http from 'k6/http';
import { check } from 'k6';
import { Trend, Counter } from 'k6/metrics';

const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const MODEL = __ENV.MODEL || 'default';
const IMAGE = __ENV.IMAGE || 'image.jpg';
const IMAGE_BYTES = open(IMAGE, 'b');
const CONTENT_TYPE = IMAGE.toLowerCase().endsWith('.png')
  ? 'image/png'
  : IMAGE.toLowerCase().endsWith('.webp') ? 'image/webp' : 'image/jpeg';

const queueTime = new Trend('server_queue_time', true);
const inferenceTime = new Trend('server_inference_time', true);
const cacheHits = new Counter('cache_hits');
const PARAMS = __ENV.NO_CACHE ? { headers: { 'Cache-Control': 'no-cache' } } : {};

export const options = {
  scenarios: {
    image: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 10),
      timeUnit: '1s',
      duration: __ENV.DURATION || '30s',
      preAllocatedVUs: Number(__ENV.VUS || 20),
      maxVUs: Number(__ENV.MAX_VUS || 200),
    },
  },
  thresholds: { http_req_failed: ['rate<0.01'] },
  summaryTrendStats: ['avg', 'p(50)', 'p(90)', 'p(99)', 'p(99.9)', 'max'],
};

export default function () {
  const body = {
    model: MODEL,
    images: http.file(IMAGE_BYTES, IMAGE.split('/').pop(), CONTENT_TYPE),
  };
  const res = http.post(`${BASE_URL}/v1/images/classify`, body, PARAMS);
  if ((res.headers['X-Cache'] || res.headers['x-cache']) === 'hit') cacheHits.add(1);
  check(res, { 'status is 200': (r) => r.status === 200 });
  const q = parseFloat(res.headers['X-Queue-Time'] || res.headers['x-queue-time']);
  const i = parseFloat(res.headers['X-Inference-Time'] || res.headers['x-inference-time']);
  if (!Number.isNaN(q)) queueTime.add(q);
  if (!Number.isNaN(i)) inferenceTime.add(i);
}
