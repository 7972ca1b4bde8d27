// Fails in every way a handler can: thrown at once, a rejected promise, or an answer with a header
// field no HTTP message may carry.
onmessage = async ({ data }) => {
  if (data.url.endsWith('/sync')) throw new Error('secret failure detail');
  if (data.url.endsWith('/nul')) return postMessage({ status: 200, headers: [['x-split', 'a\0set-cookie\0b']], body: 'no' });
  await null;
  throw new Error('secret async failure');
};
