// Has a socket for text@1 (its cardinality comes from the definition): calls the function the last
// path segment names with the request body, and answers with what came back: a single socket's
// value or "none", or every provider's result as JSON.
const decode = b => new TextDecoder().decode(b);
onmessage = async ({ data }) => {
  const socket = valor.sockets['text@1'];
  if (!socket) return postMessage({ status: 501, headers: [], body: 'no socket text@1' });
  const fn = new URL(data.url).pathname.split('/').pop();
  try {
    const r = await socket[fn](data.body ?? '');
    if (r === null) {
      postMessage({ status: 200, headers: [], body: 'none' });
    } else if (r instanceof Uint8Array) {
      postMessage({ status: 200, headers: [], body: decode(r) });
    } else {
      const out = {};
      for (const name of Object.keys(r).sort()) out[name] = 'value' in r[name] ? decode(r[name].value) : { error: r[name].error };
      postMessage({ status: 200, headers: [['content-type', 'application/json']], body: JSON.stringify(out) });
    }
  } catch (e) {
    postMessage({ status: 502, headers: [], body: String(e.message) });
  }
};
