// A Workers-style app on Hono, as its documentation writes one: CORS and ETag middleware, JSON,
// form posts, a signed cookie, a JWT check and a streamed answer. build.sh bundles it into one ES
// module; FrameworkAppsIT runs that module in Valor and under Node 20 on requests.json.
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { etag } from 'hono/etag';
import { getSignedCookie, setSignedCookie } from 'hono/cookie';
import { sign, verify } from 'hono/jwt';
import { streamText } from 'hono/streaming';

const app = new Hono().basePath('/hono');
app.use('*', cors({ origin: 'https://app.example', allowMethods: ['GET', 'POST'], exposeHeaders: ['ETag'] }));
app.use('/page/*', etag());
app.get('/', c => c.text('Hello Hono!'));
app.get('/page/cached', c => c.text('a page worth caching'));
app.get('/items/:id', c => c.json({ id: c.req.param('id'), q: c.req.query('q') ?? null }));
app.post('/items', async c => c.json({ created: await c.req.json() }, 201));
app.post('/form', async c => {
  const body = await c.req.parseBody();
  const upload = body.upload;
  return c.json({ name: body.name, upload: upload instanceof File ? `${upload.name} ${upload.type} ${await upload.text()}` : null });
});
app.get('/cookie/set', async c => {
  await setSignedCookie(c, 'session', 'user-42', 'cookie-secret', { path: '/' });
  return c.text('set');
});
app.get('/cookie/get', async c => c.text(String(await getSignedCookie(c, 'cookie-secret', 'session'))));
app.get('/jwt/issue', async c => c.text(await sign({ sub: 'user-42', role: 'admin' }, 'jwt-secret')));
app.get('/jwt/check', async c => {
  const token = (c.req.header('authorization') ?? '').replace(/^Bearer /, '');
  try {
    return c.json(await verify(token, 'jwt-secret', 'HS256'));
  } catch (e) {
    return c.json({ refused: e.name }, 401);
  }
});
app.get('/stream', c => streamText(c, async s => {
  await s.write('one ');
  await s.sleep(10);
  await s.write('two');
}));
app.get('/boom', () => { throw new Error('boom'); });
app.notFound(c => c.json({ missing: c.req.path }, 404));
app.onError((e, c) => c.json({ error: e.message }, 500));

export default app;
