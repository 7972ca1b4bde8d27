// Plugs into every binding its config lists, with one function, echo.
for (const binding of valor.config.plugs) valor.plug(binding, { echo: input => input });
onmessage = () => postMessage({ status: 200, headers: [], body: 'echo' });
