// Plugs into text@1 from JavaScript: upper (with the config's suffix), fail (throws), spin (never
// returns), grow (allocates without end), later (answers after a timer).
const decode = b => new TextDecoder().decode(b);
valor.plug('text@1', {
  upper: input => decode(input).toUpperCase() + (valor.config?.suffix ?? ''),
  fail: () => { throw new Error('js says no'); },
  spin: () => { for (;;) { /* runaway */ } },
  grow: () => { const keep = []; for (;;) keep.push(new Array(100000).fill(7)); },
  async later(input) { await new Promise(resolve => setTimeout(resolve, 5)); return decode(input).toUpperCase(); },
});
onmessage = () => postMessage({ status: 200, headers: [], body: 'text provider (js)' });
