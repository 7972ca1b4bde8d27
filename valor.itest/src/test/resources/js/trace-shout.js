// A provider of shout@1 whose upper() answers what /traceecho saw of the trace: the consumer's,
// carried into the provider's own fetch.
valor.plug('shout@1', {
  async upper() {
    return await (await fetch('/traceecho')).text();
  },
});
onmessage = () => postMessage({ body: 'provides shout@1' });
