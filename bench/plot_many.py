#!/usr/bin/env python3
"""Throughput and latency against the number of plugins deployed, as an SVG for docs/.

Runs bench/many.py's measurement for each count (calls spread over all plugins vs one plugin, the
same run) and draws req/s and p50 of the spread calls against the count (log scale).

Usage: bench/plot_many.py [--counts 1,10,100,1000] [--seconds 5] [--out docs/many-plugins.svg]
"""
import argparse, math, os, time
import many

def svg(points, title):
    """points: [(count, rps, p50_ms, one_rps, one_p50)] -> an SVG line chart of two panels."""
    w, h, pad = 720, 300, 60
    def panel(x0, key, label, color, one_key):
        xs = [math.log10(p[0]) for p in points]
        ys = [p[key] for p in points] + [p[one_key] for p in points]
        ymax = max(ys) * 1.15
        pw = w / 2 - pad - 20
        px = lambda x: x0 + pad + (x - min(xs)) / max(1e-9, max(xs) - min(xs)) * pw
        py = lambda y: h - pad + 10 - y / ymax * (h - 2 * pad)
        out = [f'<text x="{x0 + pad}" y="30" font-size="14" font-family="sans-serif">{label}</text>',
               f'<line x1="{x0 + pad}" y1="{h - pad + 10}" x2="{x0 + pad + pw}" y2="{h - pad + 10}" stroke="#444"/>',
               f'<line x1="{x0 + pad}" y1="{h - pad + 10}" x2="{x0 + pad}" y2="{pad - 10}" stroke="#444"/>']
        for frac in (0, 0.5, 1):
            y = ymax * frac
            out.append(f'<text x="{x0 + pad - 6}" y="{py(y) + 4}" font-size="10" text-anchor="end" '
                       f'font-family="sans-serif">{y:,.0f}</text>' if y >= 10 else
                       f'<text x="{x0 + pad - 6}" y="{py(y) + 4}" font-size="10" text-anchor="end" '
                       f'font-family="sans-serif">{y:.2f}</text>')
        for p, x in zip(points, xs):
            out.append(f'<text x="{px(x)}" y="{h - pad + 26}" font-size="10" text-anchor="middle" '
                       f'font-family="sans-serif">{p[0]:,}</text>')
        for k, c, dash in ((key, color, ""), (one_key, "#999", ' stroke-dasharray="4 3"')):
            pts = " ".join(f"{px(x):.1f},{py(p[k]):.1f}" for p, x in zip(points, xs))
            out.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="2"{dash}/>')
            for p, x in zip(points, xs):
                out.append(f'<circle cx="{px(x):.1f}" cy="{py(p[k]):.1f}" r="3" fill="{c}"/>')
        out.append(f'<text x="{x0 + pad + pw / 2}" y="{h - 12}" font-size="11" text-anchor="middle" '
                   f'font-family="sans-serif">plugins deployed (log scale)</text>')
        return out
    body = panel(0, 1, "req/s, calls spread over all plugins (dashed: one plugin)", "#2a6fdb", 3) + \
        panel(w / 2, 2, "p50 ms, spread (dashed: one plugin)", "#d9534f", 4)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h + 20}" viewBox="0 0 {w} {h + 20}">'
            f'<rect width="100%" height="100%" fill="white"/>'
            f'<text x="{w / 2}" y="{h + 12}" font-size="11" text-anchor="middle" font-family="sans-serif">{title}</text>'
            + "".join(body) + "</svg>\n")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--counts", default="1,10,100,1000")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs",
                                                  "many-plugins.svg"))
    a = ap.parse_args()
    points = []
    for n in (int(c) for c in a.counts.split(",")):
        r = many.measure(n, a.seconds, rounds=3)
        points.append((n, r["spread"][0], r["spread"][1], r["one"][0], r["one"][1]))
        print(f"{n:>5} plugins: spread {r['spread'][0]:8.0f} req/s p50 {r['spread'][1]:.2f} ms; "
              f"one {r['one'][0]:8.0f} req/s p50 {r['one'][1]:.2f} ms")
    with open(a.out, "w") as f:
        f.write(svg(points, f"hello.wasm copies, wrk -t1 -c16, {time.strftime('%Y-%m-%d')}, bench/plot_many.py"))
    print("wrote", a.out)

if __name__ == "__main__":
    main()
