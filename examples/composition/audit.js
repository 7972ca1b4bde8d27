// audit_js: plugs into audit@1 with one function, record: it writes the event to the runtime's
// log under its name and answers with how many this worker has logged.
let logged = 0;
valor.plug('audit@1', {
  record(event) {
    console.info('audit', new TextDecoder().decode(event));
    return `logged as #${++logged}`;
  },
});
onmessage = () => postMessage({ status: 200, headers: [], body: 'audit@1 provider (js): logs events' });
