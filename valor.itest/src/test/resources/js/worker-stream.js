// Worker style answering with a Blob or a ReadableStream body; in a browser the stream goes in
// postMessage's transfer list, as here (Valor takes the list and needs none).
onmessage = ({ data }) => {
  if (data.url.endsWith('/blob')) {
    postMessage({ status: 200, headers: [['content-type', 'text/plain']], body: new Blob(['a ', 'blob']) });
    return;
  }
  let i = 0;
  const stream = new ReadableStream({
    pull(c) {
      if (i === 3) c.close();
      else c.enqueue(new TextEncoder().encode(`part ${i++}\n`));
    },
  });
  postMessage({ status: 200, headers: [['content-type', 'text/plain']], body: stream }, [stream]);
};
