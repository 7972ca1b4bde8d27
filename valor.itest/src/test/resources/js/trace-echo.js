// Answers the traceparent it was called with ("none" without one).
onmessage = ({ data }) => {
  const found = data.headers.find(([name]) => name === 'traceparent');
  postMessage({ body: found ? found[1] : 'none' });
};
