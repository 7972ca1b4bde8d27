// Answers with the request body's bytes reversed, as a typed array: binary both ways.
onmessage = ({ data }) => {
  const bytes = data.body === null ? new Uint8Array(0) : new Uint8Array(data.body).reverse();
  postMessage({ status: 200, headers: [['content-type', 'application/octet-stream'], ['x-length', String(bytes.length)]], body: bytes });
};
