// page: a page rendered through plugins. Its Markdown goes to whichever plugin plugs into
// markdown@1 (a socket for exactly one: without it the page answers 503), and each view is told
// to every audit@1 provider (a socket for any number, perhaps none), whose answers show below it.
// GET /page shows the built-in text; POST /page with Markdown renders that instead.
const TEXT = `# Composed page

This page is **JavaScript**; its HTML comes from a *WebAssembly* plugin through the \`markdown@1\` binding.

- deploy or remove an \`audit@1\` provider and reload
- remove \`markdown\` and the page answers 503, naming what is missing
`;

const decode = bytes => new TextDecoder().decode(bytes);
const escape = s => s.replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

onmessage = async ({ data }) => {
  const markdown = data.body && data.body.byteLength ? decode(data.body) : TEXT;
  const [html, audits] = await Promise.all([
    valor.sockets['markdown@1'].render(markdown),
    valor.sockets['audit@1'].record({ plugin: valor.name, url: data.url, bytes: markdown.length }),
  ]);
  const rows = Object.entries(audits).map(([provider, r]) =>
    `<li><b>${escape(provider)}</b>: ${escape('value' in r ? decode(r.value) : 'failed: ' + r.error)}</li>`).join('');
  postMessage({
    status: 200,
    headers: [['content-type', 'text/html; charset=utf-8']],
    body: `<!doctype html><meta charset="utf-8"><title>Composed page</title>${decode(html)}` +
      `<hr><p>audit@1 providers: ${Object.keys(audits).length}</p><ul>${rows}</ul>`,
  });
};
