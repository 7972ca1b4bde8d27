// A Workers-style app on itty-router, as its documentation writes one: AutoRouter with CORS,
// route parameters, JSON in and out, form data, redirects and errors. build.sh bundles it into one
// ES module; FrameworkAppsIT runs that module in Valor and under Node 20 on requests.json.
import { AutoRouter, cors, error, json, text } from 'itty-router';

const { preflight, corsify } = cors({ origin: 'https://app.example', allowMethods: 'GET, POST' });
const router = AutoRouter({ base: '/itty', before: [preflight], finally: [corsify] });
router.get('/hello/:name', ({ name, query }) => text(`Hello ${name}${query.greeting ? ', ' + query.greeting : ''}!`));
router.get('/items/:id', ({ id }) => ({ id, kind: 'item' }));
router.post('/items', async request => json({ created: await request.json() }, { status: 201 }));
router.post('/form', async request => {
  const form = await request.formData();
  return { fields: [...form.keys()], name: form.get('name') };
});
router.get('/moved', () => Response.redirect('https://example.com/new-home', 301));
router.get('/teapot', () => error(418, 'short and stout'));

export default router;
