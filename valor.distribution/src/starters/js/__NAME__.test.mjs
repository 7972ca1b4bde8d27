// Runs the worker as Valor runs it, one message in and one out, under Node's test runner:
// `node --test`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

async function call(url) {
  const source = await readFile(new URL('./__NAME__.js', import.meta.url), 'utf8');
  return new Promise((resolve) => {
    const self = {};
    const postMessage = resolve;
    new Function('self', 'postMessage', source)(self, postMessage);
    self.onmessage({ data: { method: 'GET', url, headers: [], body: null } });
  });
}

test('greets who the query names', async () => {
  const answer = await call('http://localhost/__NAME__?who=Ann');
  assert.equal(answer.status, 200);
  assert.equal(answer.body, 'Hello, Ann!');
});

test('greets the world by default', async () => {
  assert.equal((await call('http://localhost/__NAME__')).body, 'Hello, world!');
});
