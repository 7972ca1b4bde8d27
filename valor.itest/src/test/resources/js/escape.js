// Tries every way out of the sandbox it knows and reports what it found.
onmessage = async () => {
  const tries = {
    Java: () => typeof Java !== 'undefined' && Java.type('java.lang.System'),
    Packages: () => typeof Packages !== 'undefined' && Packages.java,
    Polyglot: () => typeof Polyglot !== 'undefined' && Polyglot.eval('js', '1'),
    load: () => typeof load !== 'undefined' && load('/etc/passwd'),
    require: () => typeof require !== 'undefined' && require('fs'),
    process: () => typeof process !== 'undefined' && process.env,
    quit: () => typeof quit !== 'undefined' && quit,
    print: () => typeof print !== 'undefined' && print,
    Graal: () => typeof Graal !== 'undefined' && Graal,
    constructorEval: () => { const G = (function () { return this; }).constructor('return this')(); return G.Java || G.Packages || false; },
  };
  const escaped = [];
  for (const [name, attempt] of Object.entries(tries)) {
    try { if (attempt()) escaped.push(name); } catch (e) { /* refused: good */ }
  }
  try { await import('/etc/passwd'); escaped.push('import'); } catch (e) { /* refused */ }
  postMessage({ status: 200, body: escaped.length ? 'escaped: ' + escaped.join(', ') : 'contained' });
};
