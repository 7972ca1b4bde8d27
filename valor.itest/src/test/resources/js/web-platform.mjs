// A module-style handler that uses the web platform server-side runtimes share (WinterTC's
// minimum common API) the way Workers code does, and reports what each part gave: JsIT runs it in
// Valor and under Node 20 and expects the same report. The request is a POST of "a=1&b=two".
const text = async stream => { let s = ''; for await (const c of stream.pipeThrough(new TextDecoderStream())) s += c; return s; };
const bytesOf = s => new TextEncoder().encode(s);
const failure = async f => { try { await f(); return 'no error'; } catch (e) { return `${e.constructor.name}:${e.name}`; } };
const sleep = ms => new Promise(r => setTimeout(r, ms));

async function streams() {
  const r = {};
  let pulls = 0;
  const counted = new ReadableStream({ pull(c) { pulls++; if (pulls > 3) c.close(); else c.enqueue(pulls); } }, { highWaterMark: 0 });
  const seen = [];
  for await (const n of counted) seen.push(n);
  r.pulled = `${seen.join(',')} in ${pulls} pulls`;
  const [left, right] = new ReadableStream({ start(c) { c.enqueue(bytesOf('tee')); c.close(); } }).tee();
  r.tee = (await text(left)) + '+' + (await text(right));
  const upper = new TransformStream({ transform(chunk, c) { c.enqueue(chunk.toUpperCase()); } });
  const words = new ReadableStream({ start(c) { c.enqueue('piped '); c.enqueue('through'); c.close(); } });
  const out = [];
  let closed = false;
  await words.pipeThrough(upper).pipeTo(new WritableStream({ write(chunk) { out.push(chunk); }, close() { closed = true; } }));
  r.pipe = out.join('') + (closed ? ' (closed)' : '');
  const sink = [];
  const writable = new WritableStream({ write(c) { sink.push(c); } }, new CountQueuingStrategy({ highWaterMark: 2 }));
  const writer = writable.getWriter();
  r.desired = writer.desiredSize;
  await writer.write('w1');
  await writer.close();
  r.written = sink.join(',');
  const bytes = new ReadableStream({ type: 'bytes', start(c) { c.enqueue(new Uint8Array([1, 2, 3, 4, 5, 6])); c.close(); } });
  const byob = bytes.getReader({ mode: 'byob' });
  const first = await byob.read(new Uint8Array(4));
  const second = await byob.read(new Uint8Array(4));
  r.byob = `${[...first.value]}|${[...second.value]}`;
  r.strategies = [new ByteLengthQueuingStrategy({ highWaterMark: 16 }).size(new Uint8Array(5)),
    new CountQueuingStrategy({ highWaterMark: 3 }).highWaterMark].join(',');
  const split = new ReadableStream({ start(c) { c.enqueue('h\uD83D'); c.enqueue('\uDE00i'); c.close(); } })
    .pipeThrough(new TextEncoderStream());
  const encoded = [];
  for await (const b of split) encoded.push(...b);
  r.encoded = encoded.join(',');
  const halves = new ReadableStream({ start(c) { c.enqueue(new Uint8Array(encoded.slice(0, 2))); c.enqueue(new Uint8Array(encoded.slice(2))); c.close(); } });
  r.decoded = await text(halves);
  r.errored = await failure(() => new ReadableStream({ start(c) { c.error(new RangeError('broken')); } }).getReader().read());
  let cancelled = null;
  await new ReadableStream({ cancel(reason) { cancelled = reason; } }).cancel('enough');
  r.cancelled = cancelled;
  const ac = new AbortController();
  const piping = new ReadableStream({ pull() { return sleep(5); } }).pipeTo(new WritableStream(), { signal: ac.signal });
  ac.abort();
  r.pipeAborted = await failure(() => piping);
  r.locked = (() => { const s = new ReadableStream(); s.getReader(); return s.locked; })();
  const unhex = h => new Uint8Array(h.match(/../g).map(x => parseInt(x, 16)));
  const squeeze = async (bytes, stream) => new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(stream)).arrayBuffer());
  const plain = bytesOf('hello compression, '.repeat(40));
  for (const format of ['gzip', 'deflate', 'deflate-raw']) {
    const packed = await squeeze(plain, new CompressionStream(format));
    const back = new TextDecoder().decode(await squeeze(packed, new DecompressionStream(format)));
    r[format] = `${packed.length < plain.length} ${back === 'hello compression, '.repeat(40)} ${[...packed.slice(0, 2)]}`;
  }
  r.rawBytes = [...await squeeze(bytesOf('abcabcabcabc'), new CompressionStream('deflate-raw'))].join(',');
  r.fromNode = new TextDecoder().decode(await squeeze(unhex('1f8b08000000000000034bcecf2d284a2d2e4e4d5148aa54c8cb4f49d551c8cc532829cf57c84dcd4d4a2d2ab657c8cbb752c8cf4b0500a06b182c2b000000'), new DecompressionStream('gzip')));
  // rejected (a TypeError, as the standard says; Node 20 rejects with its zlib Error)
  r.corrupt = 'no error' !== await failure(() => squeeze(bytesOf('not gzip at all'), new DecompressionStream('gzip')));
  r.truncated = 'no error' !== await failure(() => squeeze(unhex('1f8b08000000000000034bcecf2d284a2d2e4e4d5148aa54c8cb4f49d551c8cc532829cf57c84dcd4d4a2d2ab657c8cbb752c8cf4b0500a06b182c2b000000'.slice(0, 30)), new DecompressionStream('gzip')));
  r.badFormat = await failure(() => new CompressionStream('brotli'));
  return r;
}

async function bodies(request) {
  const r = {};
  const reader = request.body.getReader();
  let got = '';
  for (let step = await reader.read(); !step.done; step = await reader.read()) got += new TextDecoder().decode(step.value);
  r.requestStream = got;
  r.requestUsed = request.bodyUsed;
  r.fromStream = await new Response(new ReadableStream({ start(c) { c.enqueue(bytesOf('stream ')); c.enqueue(bytesOf('body')); c.close(); } })).text();
  const original = new Response('wrapped', { status: 201, headers: { etag: '"v1"' } });
  const rewrapped = new Response(original.body, original);
  r.rewrapped = `${rewrapped.status} ${rewrapped.headers.get('etag')} ${await rewrapped.text()}`;
  const streamed = new Response(new ReadableStream({ start(c) { c.enqueue(bytesOf('twice')); c.close(); } }));
  const copy = streamed.clone();
  r.clonedStream = (await copy.text()) + '/' + (await streamed.text());
  const fresh = new Response('fresh');
  r.bodyIsStream = fresh.body instanceof ReadableStream;
  r.usedBefore = fresh.bodyUsed;
  await fresh.text();
  r.usedAfter = fresh.bodyUsed;
  r.nullBody = new Response(null).body;
  r.notBytes = await failure(() => new Response(new ReadableStream({ start(c) { c.enqueue('a string'); c.close(); } })).text());
  const blob = await new Response('blob!', { headers: { 'content-type': 'text/x-thing' } }).blob();
  r.blob = `${blob.size} ${blob.type} ${await blob.slice(1, -1).text()} ${await new Response(blob.stream()).text()}`;
  const file = new File(['fi', new Uint8Array([108, 101])], 'notes.txt', { type: 'Text/Plain', lastModified: 42 });
  r.file = `${file.name} ${file.type} ${file.size} ${file.lastModified} ${await file.text()} ${file instanceof Blob}`;
  const form = new FormData();
  form.append('a', '1');
  form.append('a', 'line\nbreak');
  form.set('b', 'two');
  form.append('upload', new Blob(['file body'], { type: 'text/plain' }), 'up.txt');
  const posted = new Response(form);
  r.formType = posted.headers.get('content-type').startsWith('multipart/form-data; boundary=');
  const parsed = await posted.formData();
  const up = parsed.get('upload');
  r.formData = `${parsed.getAll('a').join('|')} ${parsed.get('b')} ${up.name} ${up.type} ${await up.text()} ${[...parsed.keys()].join(',')}`;
  const params = new Response(new URLSearchParams({ x: '1', y: 'a b' }));
  r.urlencoded = `${params.headers.get('content-type')} ${(await params.formData()).get('y')}`;
  r.redirect = (() => { const x = Response.redirect('https://example.com/next', 307); return `${x.status} ${x.headers.get('location')}`; })();
  r.error = (() => { const x = Response.error(); return `${x.type} ${x.status}`; })();
  r.badStatus = await failure(() => new Response('x', { status: 99 }));
  r.bodyOn204 = await failure(() => new Response('x', { status: 204 }));
  r.noDuplex = await failure(() => new Request('http://x/', { method: 'POST', body: new ReadableStream() }));
  r.requestForm = (await new Request('http://x/', { method: 'POST', body: new URLSearchParams('a=1&b=two') }).formData()).get('b');
  r.requestType = new Request('http://x/', { method: 'POST', body: 'text' }).headers.get('content-type');
  r.requestDefaults = (() => { const q = new Request('http://x'); return [q.url, q.cache, q.credentials, q.mode, q.redirect, q.signal.aborted].join(' '); })();
  return r;
}

async function events() {
  const r = {};
  const target = new EventTarget();
  const order = [];
  const once = () => order.push('once');
  target.addEventListener('ping', e => order.push(`first:${e.eventPhase}:${e.target === target}`));
  target.addEventListener('ping', once, { once: true });
  target.addEventListener('ping', { handleEvent: e => order.push(`object:${e.type}`) });
  const removed = () => order.push('removed');
  target.addEventListener('ping', removed);
  target.removeEventListener('ping', removed);
  const event = new Event('ping');
  target.dispatchEvent(event);
  target.dispatchEvent(new Event('ping'));
  r.order = order.join(',');
  r.after = `${event.eventPhase} ${event.currentTarget} ${event.bubbles} ${event.cancelable}`;
  const cancelable = new Event('c', { cancelable: true });
  target.addEventListener('c', e => e.preventDefault());
  r.prevented = `${target.dispatchEvent(cancelable)} ${cancelable.defaultPrevented}`;
  const stopping = new EventTarget();
  const ran = [];
  stopping.addEventListener('s', e => { ran.push(1); e.stopImmediatePropagation(); });
  stopping.addEventListener('s', () => ran.push(2));
  stopping.dispatchEvent(new Event('s'));
  r.stopped = ran.join(',');
  r.custom = new CustomEvent('c', { detail: { n: 1 } }).detail.n;
  r.noType = await failure(() => new Event());
  const controller = new AbortController();
  const heard = [];
  controller.signal.addEventListener('abort', () => heard.push('listener'));
  controller.signal.onabort = () => heard.push('onabort');
  controller.abort();
  controller.abort(); // once only
  const reason = controller.signal.reason;
  r.abort = `${controller.signal.aborted} ${reason.name} ${reason.message} ${reason instanceof DOMException} ${reason instanceof Error} ${heard.join('+')}`;
  r.throwIfAborted = await failure(() => controller.signal.throwIfAborted());
  r.abortWith = AbortSignal.abort('why').reason;
  const parent = new AbortController();
  const any = AbortSignal.any([parent.signal, new AbortController().signal]);
  parent.abort('from parent');
  r.any = `${any.aborted} ${any.reason}`;
  const timeout = AbortSignal.timeout(10);
  await sleep(60);
  r.timeout = `${timeout.aborted} ${timeout.reason.name}`;
  r.noConstructor = await failure(() => new AbortSignal());
  r.fetchAborted = await failure(() => fetch('http://127.0.0.1:9/', { signal: AbortSignal.abort() }));
  const ex = new DOMException('missing', 'NotFoundError');
  r.domException = `${ex.name} ${ex.message} ${ex.code} ${DOMException.ABORT_ERR} ${DOMException.NOT_FOUND_ERR} ${new DOMException().name}`;
  return r;
}

async function globals() {
  const r = {};
  const t0 = performance.now();
  await sleep(20);
  const elapsed = performance.now() - t0;
  r.performance = `${typeof performance.now()} ${elapsed >= 15 && elapsed < 5000} ${performance.timeOrigin <= Date.now()} ${typeof performance.timeOrigin}`;
  let ticks = 0;
  await new Promise(resolve => { const id = setInterval(() => { if (++ticks === 3) { clearInterval(id); resolve(); } }, 5); });
  r.interval = ticks;
  const order = [];
  queueMicrotask(() => order.push('micro'));
  setTimeout(() => order.push('timer'), 0);
  order.push('sync');
  await sleep(10);
  r.microtasks = order.join(',');
  const cloned = structuredClone({ d: new Date(0), m: new Map([[1, 'one']]), b: new Uint8Array([1, 2]) });
  r.structuredClone = `${cloned.d.getTime()} ${cloned.m.get(1)} ${cloned.b[1]}`;
  r.types = ['ReadableStream', 'WritableStream', 'TransformStream', 'ReadableStreamDefaultReader', 'ReadableStreamBYOBReader',
    'WritableStreamDefaultWriter', 'ByteLengthQueuingStrategy', 'CountQueuingStrategy', 'TextEncoderStream', 'TextDecoderStream',
    'CompressionStream', 'DecompressionStream', 'Blob', 'File', 'FormData', 'Event', 'EventTarget', 'CustomEvent', 'AbortController', 'AbortSignal', 'DOMException',
    'Headers', 'Request', 'Response', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder']
    .filter(n => typeof globalThis[n] !== 'function').join(',') || 'all functions';
  return r;
}

export async function handler(request) {
  const report = {
    streams: await streams(),
    bodies: await bodies(request),
    events: await events(),
    globals: await globals(),
  };
  return new Response(JSON.stringify(report, null, 1), { headers: { 'content-type': 'application/json' } });
}
