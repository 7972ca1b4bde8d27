/*
 * markdown: plugs into markdown@1 with one function, render: Markdown in, HTML out. A small,
 * safe subset: headings, paragraphs, lists, fenced code, **strong**, *em*, `code`, [links](url);
 * all text HTML-escaped. Over HTTP, POST Markdown to /markdown and get the HTML back.
 */
#include "valor.h"

typedef struct { char *data; size_t len, cap; } buf;

static void put(buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap) cap *= 2;
        b->data = realloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
}
static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

static void escaped(buf *b, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
            case '&': puts_(b, "&amp;"); break;
            case '<': puts_(b, "&lt;"); break;
            case '>': puts_(b, "&gt;"); break;
            case '"': puts_(b, "&quot;"); break;
            default: put(b, s + i, 1);
        }
    }
}

static const char *find(const char *s, const char *end, const char *what) {
    size_t n = strlen(what);
    for (const char *p = s; p + n <= end; p++) if (memcmp(p, what, n) == 0) return p;
    return NULL;
}

/* Emphasis, code spans and links within one line. */
static void inline_(buf *b, const char *s, const char *end) {
    while (s < end) {
        const char *close;
        if (*s == '`' && (close = find(s + 1, end, "`"))) {
            puts_(b, "<code>"); escaped(b, s + 1, (size_t)(close - s - 1)); puts_(b, "</code>");
            s = close + 1;
        } else if (s + 1 < end && s[0] == '*' && s[1] == '*' && (close = find(s + 2, end, "**"))) {
            puts_(b, "<strong>"); inline_(b, s + 2, close); puts_(b, "</strong>");
            s = close + 2;
        } else if (*s == '*' && (close = find(s + 1, end, "*"))) {
            puts_(b, "<em>"); inline_(b, s + 1, close); puts_(b, "</em>");
            s = close + 1;
        } else if (*s == '[' && (close = find(s, end, "](")) && find(close, end, ")")) {
            const char *url_end = find(close, end, ")");
            const char *url = close + 2;
            size_t n = (size_t)(url_end - url);
            int safe = n > 0 && (url[0] == '/' || url[0] == '#' || (n > 7 && memcmp(url, "http://", 7) == 0)
                    || (n > 8 && memcmp(url, "https://", 8) == 0));
            if (safe) {
                puts_(b, "<a href=\""); escaped(b, url, (size_t)(url_end - url)); puts_(b, "\">");
                inline_(b, s + 1, close); puts_(b, "</a>");
            } else {
                inline_(b, s + 1, close); /* javascript: and the like: text only */
            }
            s = url_end + 1;
        } else {
            escaped(b, s, 1);
            s++;
        }
    }
}

static size_t indent_of(const char *s, const char *end) {
    size_t n = 0;
    while (s + n < end && s[n] == ' ') n++;
    return n;
}

static void render(buf *out, const char *md, size_t len) {
    const char *p = md, *end = md + len;
    int in_list = 0, in_para = 0, in_code = 0;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        const char *line_end = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
        const char *s = p + indent_of(p, line_end);
        if (line_end - s >= 3 && memcmp(s, "```", 3) == 0) {
            if (in_para) { puts_(out, "</p>\n"); in_para = 0; }
            if (in_list) { puts_(out, "</ul>\n"); in_list = 0; }
            puts_(out, in_code ? "</code></pre>\n" : "<pre><code>");
            in_code = !in_code;
        } else if (in_code) {
            escaped(out, p, (size_t)(line_end - p)); puts_(out, "\n");
        } else if (s == line_end) {
            if (in_para) { puts_(out, "</p>\n"); in_para = 0; }
            if (in_list) { puts_(out, "</ul>\n"); in_list = 0; }
        } else if (*s == '#') {
            size_t level = 0;
            while (s + level < line_end && s[level] == '#' && level < 6) level++;
            if (in_para) { puts_(out, "</p>\n"); in_para = 0; }
            if (in_list) { puts_(out, "</ul>\n"); in_list = 0; }
            char open[5] = {'<', 'h', (char)('0' + level), '>', 0}, close[6] = {'<', '/', 'h', (char)('0' + level), '>', 0};
            const char *text = s + level;
            while (text < line_end && *text == ' ') text++;
            puts_(out, open); inline_(out, text, line_end); puts_(out, close); puts_(out, "\n");
        } else if ((*s == '-' || *s == '*') && s + 1 < line_end && s[1] == ' ') {
            if (in_para) { puts_(out, "</p>\n"); in_para = 0; }
            if (!in_list) { puts_(out, "<ul>\n"); in_list = 1; }
            puts_(out, "<li>"); inline_(out, s + 2, line_end); puts_(out, "</li>\n");
        } else {
            if (in_list) { puts_(out, "</ul>\n"); in_list = 0; }
            puts_(out, in_para ? "\n" : "<p>");
            in_para = 1;
            inline_(out, s, line_end);
        }
        p = eol + 1;
    }
    if (in_para) puts_(out, "</p>\n");
    if (in_list) puts_(out, "</ul>\n");
    if (in_code) puts_(out, "</code></pre>\n");
}

VALOR_PLUG("markdown@1", render) {
    buf out = {0};
    render(&out, (const char *)input, len);
    valor_reply(out.data, out.len);
    free(out.data);
    return 0;
}

int valor_plugin_handle(const valor_request *req) {
    buf out = {0};
    render(&out, (const char *)req->body, req->body_len);
    const char *head = "200\ncontent-type: text/html; charset=utf-8\n";
    valor_respond(head, strlen(head), out.data, out.len);
    free(out.data);
    return 0;
}
