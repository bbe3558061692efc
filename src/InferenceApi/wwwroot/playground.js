// The playground: plain browser JavaScript, no build step, nothing loaded from another site. It talks to this
// server's public API exactly as any client does, so what works here works from curl.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const KEY_STORAGE = 'inferenceapi.playground.apiKey';
  const MS_HEADERS = new Set(['x-queue-time', 'x-inference-time']);

  // What the browser tests read: the last stream's token arrival times and its end event.
  const state = { models: new Map(), abort: null, lastStream: null };
  window.playground = state;

  // The key lives in this tab only: sessionStorage is dropped with the tab and never shared with other tabs.
  const keyInput = $('api-key');
  keyInput.value = sessionStorage.getItem(KEY_STORAGE) ?? '';
  keyInput.addEventListener('input', () => {
    const key = keyInput.value.trim();
    if (key) {
      sessionStorage.setItem(KEY_STORAGE, key);
    } else {
      sessionStorage.removeItem(KEY_STORAGE);
    }
  });
  keyInput.addEventListener('change', () => loadModels());

  function call(path, init = {}) {
    const key = keyInput.value.trim();
    const headers = { ...(init.headers ?? {}) };
    if (key) {
      headers.Authorization = `Bearer ${key}`;
    }
    return fetch(path, { ...init, headers });
  }

  // Problem details (detail), OpenAI errors (error.message) and KServe errors (error) all read as one sentence.
  async function problemText(response) {
    const text = await response.text();
    try {
      const body = JSON.parse(text);
      return body.detail ?? body.title ?? body.error?.message ?? body.error ?? text;
    } catch {
      return text || response.statusText;
    }
  }

  // Builds elements from text only (never innerHTML), so model output and labels cannot inject markup.
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === 'class') {
        node.className = value;
      } else {
        node.setAttribute(name, value);
      }
    }
    node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
    return node;
  }

  const lines = (text) => text.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  const number = (id) => Number($(id).value);
  const ms = (value) => `${value.toFixed(1)} ms`;
  const currentModel = () => $('model').value;

  async function loadModels() {
    const status = $('models-status');
    const select = $('model');
    status.classList.remove('error');
    try {
      const response = await call('/v1/models');
      if (!response.ok) {
        status.textContent = `/v1/models answered ${response.status}: ${await problemText(response)}`;
        status.classList.add('error');
        return;
      }

      const models = (await response.json()).data ?? [];
      state.models = new Map(models.map((model) => [model.id, model]));
      const previous = select.value;
      const wanted = decodeURIComponent(location.hash.slice(1)) || previous;
      select.replaceChildren(...models.map((model) =>
        el('option', { value: model.id }, `${model.id} · ${model.task ?? 'task unknown'}${model.status === 'ready' ? '' : ` (${model.status})`}`)));
      const ready = models.filter((model) => model.status === 'ready').length;
      status.textContent = models.length === 0
        ? 'No models are served yet: copy a model folder into models/.'
        : `${models.length} models, ${ready} ready`;
      const chosen = models.find((model) => model.id === wanted) ?? models.find((model) => model.status === 'ready') ?? models[0];
      if (chosen) {
        select.value = chosen.id;
        // A reload for a new key keeps the form and the answer on screen; only the card is refreshed.
        await (chosen.id === previous ? loadCard(chosen.id) : selectModel(chosen.id));
      }
    } catch (error) {
      status.textContent = `The server did not answer: ${error.message}`;
      status.classList.add('error');
    }
  }

  async function selectModel(name) {
    history.replaceState(null, '', `#${encodeURIComponent(name)}`);
    let shown = false;
    for (const form of document.querySelectorAll('form[data-task]')) {
      form.hidden = form.dataset.task !== state.models.get(name)?.task;
      shown ||= !form.hidden;
    }
    $('no-task').hidden = shown;
    $('answer').hidden = true;
    await loadCard(name);
  }

  async function loadCard(name) {
    const card = $('card');
    const response = await call(`/v1/models/${encodeURIComponent(name)}`);
    if (currentModel() !== name) {
      return;
    }

    if (!response.ok) {
      card.replaceChildren(el('p', { class: 'error' }, `${response.status}: ${await problemText(response)}`));
      return;
    }

    const model = await response.json();
    const serving = model.versions.find((v) => v.version === model.serving_version) ?? model.versions[0];
    const batching = serving?.batching;
    const facts = [
      ['task', model.task],
      ['status', model.status],
      ['serving version', model.serving_version],
      ['placement', serving?.placement],
      ['max sequence length', serving?.max_sequence_length || null],
      ['batching', batching && `${batching.max_batch_size} requests or ${batching.max_batch_tokens} tokens a batch`],
      ['queue', batching && `${batching.queue_depth} waiting of ${batching.queue_capacity}; timeout ${batching.request_timeout_ms / 1000} s`],
      ['versions', model.versions.map((v) => `${v.version}: ${v.status}${v.reason ? ` (${v.reason})` : ''}`).join('; ')],
    ].filter(([, value]) => value !== null && value !== undefined && value !== '');
    const tensors = [...(serving?.inputs ?? []).map((t) => `in  ${t}`), ...(serving?.outputs ?? []).map((t) => `out ${t}`)];
    const parts = [
      el('h2', {}, model.id),
      el('dl', {}, ...facts.flatMap(([name, value]) => [el('dt', {}, name), el('dd', { 'data-fact': name }, String(value))])),
      serving?.labels?.length
        ? el('div', { class: 'labels' }, el('h3', {}, `${serving.labels.length} labels`), ...serving.labels.map((label) => el('span', { class: 'chip' }, label)))
        : null,
      tensors.length ? el('details', {}, el('summary', {}, 'inputs and outputs'), el('pre', {}, tensors.join('\n'))) : null,
      el('details', {}, el('summary', {}, `GET /v1/models/${model.id}`), el('pre', {}, JSON.stringify(model, null, 2))),
    ];
    card.replaceChildren(...parts.filter((part) => part !== null));
  }

  function showHeaders(response, started) {
    $('answer').hidden = false;
    for (const cell of document.querySelectorAll('#timing [data-header]')) {
      const name = cell.dataset.header;
      if (name === 'status') {
        cell.textContent = `${response.status}`;
      } else if (name === 'round-trip') {
        cell.textContent = ms(performance.now() - started);
      } else {
        const value = response.headers.get(name);
        cell.textContent = value === null ? '–' : MS_HEADERS.has(name) ? `${value} ms` : value;
      }
    }
  }

  function setBusy(busy) {
    for (const button of document.querySelectorAll('form button[type="submit"]')) {
      button.disabled = busy;
    }
    $('result').setAttribute('aria-busy', String(busy));
  }

  function showError(text) {
    $('result').replaceChildren(el('p', { class: 'error' }, text));
    $('result').dataset.state = 'error';
  }

  // One request, its headers shown, its JSON answer rendered; errors show the server's own sentence.
  async function run(path, init, render) {
    const result = $('result');
    result.dataset.state = 'running';
    setBusy(true);
    const started = performance.now();
    try {
      const response = await call(path, init);
      if (!response.ok) {
        showHeaders(response, started);
        showError(`${response.status}: ${await problemText(response)}`);
        return;
      }

      const body = await response.json();
      showHeaders(response, started);
      result.replaceChildren(...render(body));
      result.dataset.state = 'done';
    } catch (error) {
      $('answer').hidden = false;
      showError(`The request failed: ${error.message}`);
    } finally {
      setBusy(false);
    }
  }

  function jsonPost(body) {
    return { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  }

  function scoreBar(label, score) {
    const percent = score * 100;
    const fill = el('span', { class: 'fill' });
    fill.style.width = `${percent.toFixed(2)}%`;
    return el('div', { class: 'bar', 'data-label': label, 'data-score': String(score) },
      el('span', { class: 'name' }, label),
      el('span', { class: 'track' }, fill),
      el('span', { class: 'value' }, `${percent.toFixed(1)} %`));
  }

  $('classify-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const inputs = lines($('classify-text').value);
    if (inputs.length > 0) {
      run('/v1/classify', jsonPost({ model: currentModel(), inputs }), (body) => body.results.map((item, i) =>
        el('div', { class: 'item' }, el('p', { class: 'input' }, inputs[i]), ...item.labels.map((l) => scoreBar(l.label, l.score)))));
    }
  });

  $('embed-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const inputs = lines($('embed-text').value);
    if (inputs.length > 0) {
      run('/v1/embed', jsonPost({ model: currentModel(), inputs, truncate: true, normalize: true }), (body) => renderEmbeddings(inputs, body));
    }
  });

  // The page asks for L2-normalised vectors whatever the model's default, so a dot product is the cosine similarity.
  function renderEmbeddings(inputs, body) {
    const vectors = body.embeddings;
    const preview = (v) => `[${v.slice(0, 6).map((x) => x.toFixed(3)).join(', ')}, …]`;
    const parts = [el('p', {}, `${vectors.length} vectors of ${body.dimensions} dimensions`)];
    parts.push(...inputs.map((text, i) => el('div', { class: 'item' }, el('p', { class: 'input' }, text), el('code', {}, preview(vectors[i])))));
    if (vectors.length > 1) {
      const dot = (a, b) => a.reduce((sum, x, k) => sum + (x * b[k]), 0);
      const header = el('tr', {}, el('th', {}, 'cosine'), ...inputs.map((_, j) => el('th', {}, `#${j + 1}`)));
      const rows = inputs.map((_, i) => el('tr', {}, el('th', {}, `#${i + 1}`),
        ...inputs.map((__, j) => el('td', { 'data-cosine': `${i}-${j}` }, dot(vectors[i], vectors[j]).toFixed(3)))));
      parts.push(el('table', { class: 'cosines' }, header, ...rows));
    }
    return parts;
  }

  // Server-sent events from a fetch body: EventSource cannot POST, so the stream is parsed here.
  async function* serverSentEvents(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }

      buffer += value.replaceAll('\r', '');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') {
            name = text;
          } else if (field === 'data') {
            data.push(text);
          }
        }

        if (data.length > 0) {
          yield { event: name, data: JSON.parse(data.join('\n')) };
        }
      }
    }
  }

  $('generate-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    state.abort?.abort();
    const abort = new AbortController();
    state.abort = abort;
    const request = {
      model: currentModel(),
      prompt: $('prompt').value,
      max_new_tokens: number('max-tokens'),
      temperature: number('temperature'),
      top_p: number('top-p'),
      repetition_penalty: number('repetition-penalty'),
      stream: true,
    };
    const result = $('result');
    const output = el('span', { class: 'generated' });
    const stats = el('p', { class: 'muted', id: 'stream-stats' }, 'waiting for the first token…');
    result.replaceChildren(el('p', { class: 'generation' }, el('span', { class: 'prompt' }, request.prompt), output), stats);
    result.dataset.state = 'streaming';
    const stream = { started: performance.now(), tokenTimes: [], text: '', end: null };
    state.lastStream = stream;
    setBusy(true);
    $('stop').disabled = false;
    try {
      const init = jsonPost(request);
      init.headers.Accept = 'text/event-stream';
      const response = await call('/v1/generate', { ...init, signal: abort.signal });
      showHeaders(response, stream.started);
      if (!response.ok) {
        showError(`${response.status}: ${await problemText(response)}`);
        return;
      }

      for await (const item of serverSentEvents(response.body)) {
        const now = performance.now();
        if (item.event === 'token') {
          stream.tokenTimes.push(now);
          stream.text += item.data.token.text;
          output.append(item.data.token.text);
          stats.textContent = `${stream.tokenTimes.length} tokens; first after ${ms(stream.tokenTimes[0] - stream.started)}`;
        } else if (item.event === 'end') {
          stream.end = item.data;
          const seconds = (now - stream.tokenTimes[0]) / 1000;
          const rate = stream.tokenTimes.length > 1 && seconds > 0 ? `, ${((stream.tokenTimes.length - 1) / seconds).toFixed(1)} tokens/s after it` : '';
          stats.textContent = `${item.data.usage.completion_tokens} tokens, finish reason ${item.data.finish_reason}; ` +
            `first token after ${ms(stream.tokenTimes[0] - stream.started)}${rate}`;
        } else if (item.event === 'error') {
          stats.replaceChildren(el('span', { class: 'error' }, `stream error ${item.data.status}: ${item.data.detail ?? item.data.title}`));
        }
      }

      result.dataset.state = stream.end ? 'done' : 'error';
    } catch (error) {
      if (error.name === 'AbortError') {
        stats.textContent = `${stats.textContent} (stopped)`;
        result.dataset.state = 'stopped';
      } else {
        $('answer').hidden = false;
        showError(`The request failed: ${error.message}`);
      }
    } finally {
      document.querySelector('#timing [data-header="round-trip"]').textContent = ms(performance.now() - stream.started);
      setBusy(false);
      $('stop').disabled = true;
    }
  });

  $('stop').addEventListener('click', () => state.abort?.abort());

  const dropZone = $('drop-zone');
  for (const type of ['dragenter', 'dragover']) {
    dropZone.addEventListener(type, (event) => {
      event.preventDefault();
      dropZone.classList.add('over');
    });
  }

  for (const type of ['dragleave', 'drop']) {
    dropZone.addEventListener(type, () => dropZone.classList.remove('over'));
  }

  dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    const file = event.dataTransfer?.files?.[0];
    if (file) {
      classifyImage(file);
    }
  });
  dropZone.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      $('image-file').click();
    }
  });
  $('image-file').addEventListener('change', () => {
    const file = $('image-file').files[0];
    if (file) {
      classifyImage(file);
    }
  });

  function classifyImage(file) {
    const preview = $('preview');
    if (preview.src) {
      URL.revokeObjectURL(preview.src);
    }
    preview.src = URL.createObjectURL(file);
    preview.hidden = false;
    const form = new FormData();
    form.append('model', currentModel());
    form.append('top_k', '5');
    form.append('images', file, file.name);
    return run('/v1/images/classify', { method: 'POST', body: form }, (body) =>
      [el('p', { class: 'input' }, file.name), ...body.results[0].labels.map((l) => scoreBar(l.label, l.score))]);
  }

  // Ctrl+Enter (or Cmd+Enter) in a text box sends its form.
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && event.target instanceof HTMLTextAreaElement) {
      event.preventDefault();
      event.target.form?.requestSubmit();
    }
  });

  $('model').addEventListener('change', () => selectModel(currentModel()));
  loadModels();
})();
