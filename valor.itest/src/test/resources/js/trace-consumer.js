// Calls shout@1.upper and answers what it gave.
onmessage = async () => {
  const value = await valor.sockets['shout@1'].upper('x');
  postMessage({ body: new TextDecoder().decode(value) });
};
