// Exercises valor.kv from a module plugin granted "default", "small" and "other": each path runs
// one scenario and answers what it saw as JSON, for KvIT to check.
const refusal = async op => {
  try {
    await op();
    return 'done';
  } catch (e) {
    return `${e.code}: ${e.message}`;
  }
};

const scenarios = {
  async types(env) {
    const s = env.default;
    const seen = {};
    seen.absent = await s.get('types:none');
    await s.put('types:bytes', new Uint8Array([0, 1, 255]));
    seen.bytes = [...new Uint8Array(await s.get('types:bytes', 'arrayBuffer'))];
    await s.put('types:json', JSON.stringify({ a: 1 }));
    seen.json = await s.get('types:json', { type: 'json' });
    await s.put('types:text', 'héllo ✓');
    seen.text = await s.get('types:text');
    seen.casAbsent = await s.compareAndSwap('types:cas', null, 'one');
    seen.casAgain = await s.compareAndSwap('types:cas', null, 'two');
    seen.casWrong = await s.compareAndSwap('types:cas', 'zzz', 'two');
    seen.casRight = await s.compareAndSwap('types:cas', 'one', 'two');
    seen.cas = await s.get('types:cas');
    seen.inc = [await s.increment('types:n'), await s.increment('types:n', 41), await s.increment('types:n', -2)];
    for (const k of ['a', 'b', 'c', 'd', 'e']) await s.put(`page:${k}`, k);
    const pages = [];
    let cursor;
    do {
      const page = await s.list({ prefix: 'page:', limit: 2, cursor });
      pages.push(page.keys.map(k => k.name));
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    seen.pages = pages;
    await s.delete('page:c');
    seen.afterDelete = (await s.list({ prefix: 'page:' })).keys.map(k => k.name);
    await s.put('types:ttl', 'x', { expirationTtl: 3600 });
    const [ttl] = (await s.list({ prefix: 'types:ttl' })).keys;
    seen.expiresInAnHour = Math.abs(ttl.expiration - (Date.now() / 1000 + 3600)) < 60;
    return seen;
  },

  async limits(env) {
    const s = env.small; // max_value_bytes=64, quota_bytes=200
    const seen = {};
    seen.tooLarge = await refusal(() => s.put('big', 'x'.repeat(65)));
    seen.longKey = await refusal(() => s.put('k'.repeat(513), 'x'));
    seen.emptyKey = await refusal(() => s.get(''));
    await s.put('word', 'hello');
    seen.notANumber = await refusal(() => s.increment('word'));
    seen.badLimit = await refusal(() => s.list({ limit: 5000 }));
    seen.badCursor = await refusal(() => s.list({ cursor: '!!' }));
    seen.badValue = await refusal(() => s.put('obj', { a: 1 }));
    let written = 0;
    let last = 'done';
    while (last === 'done' && written < 10) {
      last = await refusal(() => s.put(`fill:${written}`, 'y'.repeat(60)));
      if (last === 'done') written++;
    }
    seen.filled = written;
    seen.quota = last;
    seen.afterQuota = await s.get(`fill:${written}`);
    return seen;
  },

  async isolation(env) {
    await env.default.put('iso', 'in default');
    return {
      other: await env.other.get('iso'),
      default: await env.default.get('iso'),
      sameObject: valor.kv('default') === env.default,
    };
  },

  async ungranted(env) {
    let thrown;
    try {
      valor.kv('secret');
    } catch (e) {
      thrown = `${e.name}: ${e.message}`;
    }
    return { thrown, env: Object.keys(env).sort() };
  },

  async missing() {
    // granted, but no such store is configured
    return { missing: await refusal(() => valor.kv('unconfigured').get('k')) };
  },
};

export default {
  async fetch(request, env) {
    const name = new URL(request.url).pathname.split('/').pop();
    const scenario = scenarios[name];
    if (!scenario) return new Response('no scenario ' + name, { status: 404 });
    return Response.json(await scenario(env));
  },
};
