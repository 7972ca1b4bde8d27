// bench@1 consumer: ?n=N awaits echo N times, one after the other, with a 16-byte payload.
const payload = new TextEncoder().encode('0123456789abcdef');
onmessage = async ({ data }) => {
  const n = Number(new URL(data.url).searchParams.get('n') ?? 0);
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const r = await valor.sockets['bench@1'].echo(payload);
    if (r.length === 16) ok++;
  }
  postMessage({ status: ok === n ? 200 : 500, headers: [], body: String(ok) });
};
