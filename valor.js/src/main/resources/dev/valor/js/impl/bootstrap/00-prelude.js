// Valor's JavaScript host side: runs first in every plugin context and gives the plugin what a
// dedicated Web Worker has (docs/js-plugins.md). `host` is the runtime's bridge; it stays in
// this closure and is never visible to the plugin. The closure spans the parts in Bootstrap.java's
// order, one concern each; 80-bridge.js closes it.
(function (host) {
  'use strict';
  const g = globalThis;

  // Nothing of the host beyond a Worker's globals.
  for (const name of ['Java', 'Packages', 'java', 'javax', 'com', 'org', 'edu', 'net', 'Polyglot', 'Graal',
      'print', 'printErr', 'load', 'loadWithNewGlobal', 'quit', 'exit', 'readline', 'readbuffer', 'read',
      'console', 'arguments', 'scriptArgs']) {
    try { delete g[name]; } catch (e) { /* not configurable: left as is */ }
  }

