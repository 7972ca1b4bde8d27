// The smallest JavaScript plugin, written as a dedicated Web Worker: one message in, one out.
self.onmessage = () => {
  postMessage({ status: 200, headers: [['content-type', 'text/plain']], body: 'OK response from a plugin' });
};
