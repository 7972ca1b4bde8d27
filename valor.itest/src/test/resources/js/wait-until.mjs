// ctx.waitUntil: the answer goes at once, the work goes on after it (one worker: instances 1).
let done = 0, started = 0;
export default {
  fetch(request, env, ctx) {
    const { pathname, searchParams } = new URL(request.url);
    if (pathname.endsWith('/stats')) return Response.json({ started, done });
    const ms = Number(searchParams.get('ms') ?? 0);
    started++;
    ctx.waitUntil(new Promise(resolve => setTimeout(() => { done++; resolve(); }, ms)));
    ctx.waitUntil(Promise.reject(new Error('a failed background task is logged, not answered')));
    return new Response('answered before the work');
  },
};
