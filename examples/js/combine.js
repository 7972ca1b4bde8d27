// Plugins combine under one API: this one fetches two others in-process (relative URLs need no
// capability) and answers with both their answers.
onmessage = async ({ data }) => {
  const who = new URL(data.url).searchParams.get('who') ?? 'nobody';
  const [hello, greeting] = await Promise.all([
    fetch('/hello_js').then(r => r.text()),
    fetch(`/alice_js?who=${encodeURIComponent(who)}`).then(r => r.text()),
  ]);
  postMessage({ status: 200, headers: [['content-type', 'application/json']], body: JSON.stringify({ hello, greeting }) });
};
