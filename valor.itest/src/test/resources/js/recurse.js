// Recurses without end.
function down(n) { return down(n + 1) + 1; }
onmessage = () => { postMessage({ status: 200, body: String(down(0)) }); };
