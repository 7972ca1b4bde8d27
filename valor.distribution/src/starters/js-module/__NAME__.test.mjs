// Calls the module as Valor does, with a Request, under Node's test runner (its Fetch API has the
// same Request and Response): `node --test`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import plugin from './__NAME__.mjs';

test('greets who the query names', async () => {
  const response = await plugin.fetch(new Request('http://localhost/__NAME__?who=Ann'));
  assert.equal(response.status, 200);
  assert.equal(await response.text(), 'Hello, Ann!');
});

test('greets the world by default', async () => {
  const response = await plugin.fetch(new Request('http://localhost/__NAME__'));
  assert.equal(await response.text(), 'Hello, world!');
});
