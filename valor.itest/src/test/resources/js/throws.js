// Fails in every way a handler can: thrown at once, or a rejected promise.
onmessage = async ({ data }) => {
  if (data.url.endsWith('/sync')) throw new Error('secret failure detail');
  await null;
  throw new Error('secret async failure');
};
