/*
 * valor.h: the Valor reactor ABI, version 1, for C. One header, nothing to link.
 *
 * A plugin includes it once and defines
 *
 *     int valor_plugin_handle(const valor_request *req);              // required
 *     int valor_plugin_init(const char *config, size_t config_len);   // optional: define VALOR_WANTS_INIT
 *
 * and answers each request with one of valor_respond(), valor_respond_text().
 * Build (wasi-libc, reactor model; clang, lld, wasi-libc from Debian):
 *
 *     clang --target=wasm32-wasi -mexec-model=reactor -O2 -Wl,--strip-all -I include -o x.wasm x.c
 *
 * The ABI itself is in docs/wasm-abi.md: the host calls valor_alloc for the request head and
 * body, writes them, calls valor_handle, and the module answers through the valor.respond import.
 */
#ifndef VALOR_H
#define VALOR_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define VALOR_ABI_VERSION 1

/* Host functions (import module "valor"). */
__attribute__((import_module("valor"), import_name("respond")))
void valor_respond(const char *head, size_t head_len, const void *body, size_t body_len);

__attribute__((import_module("valor"), import_name("log")))
void valor_log(int level, const char *message, size_t len);

enum { VALOR_DEBUG = 0, VALOR_INFO = 1, VALOR_WARN = 2, VALOR_ERROR = 3 };

/* A request, pointing into the buffers the host wrote; valid during valor_plugin_handle only. */
typedef struct {
    const char *method;  size_t method_len;
    const char *path;    size_t path_len;     /* below the plugin's prefix, as sent: "/a%20b" */
    const char *query;   size_t query_len;    /* without '?', as sent; empty if none */
    const char *headers; size_t headers_len;  /* "name: value\n" lines */
    const uint8_t *body; size_t body_len;
} valor_request;

int valor_plugin_handle(const valor_request *req);
#ifdef VALOR_WANTS_INIT
int valor_plugin_init(const char *config, size_t config_len);
#endif

/* The first value of a header (name matched ignoring case), or NULL; *len gets its length. */
static const char *valor_header(const valor_request *req, const char *name, size_t *len) {
    size_t n = strlen(name);
    const char *p = req->headers, *end = req->headers + req->headers_len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        if ((size_t)(eol - p) > n + 1 && p[n] == ':' && strncasecmp(p, name, n) == 0) {
            const char *v = p + n + 1;
            while (v < eol && *v == ' ') v++;
            *len = (size_t)(eol - v);
            return v;
        }
        p = eol + 1;
    }
    return NULL;
}

static int valor_hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/*
 * The first value of a query parameter, decoded ('+' and %XX) into out (NUL-terminated, cut at
 * cap - 1 bytes). Returns its length, or -1 if the parameter is absent.
 */
static long valor_query_param(const valor_request *req, const char *name, char *out, size_t cap) {
    size_t n = strlen(name);
    const char *p = req->query, *end = req->query + req->query_len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        if (!amp) amp = end;
        if ((size_t)(amp - p) >= n && strncmp(p, name, n) == 0 && (p + n == amp || p[n] == '=')) {
            const char *v = p + n + (p + n < amp ? 1 : 0);
            size_t o = 0;
            while (v < amp && o + 1 < cap) {
                if (*v == '+') { out[o++] = ' '; v++; }
                else if (*v == '%' && v + 2 < amp + 1 && valor_hex(v[1]) >= 0 && valor_hex(v[2]) >= 0) {
                    out[o++] = (char)(valor_hex(v[1]) * 16 + valor_hex(v[2])); v += 3;
                } else out[o++] = *v++;
            }
            if (cap) out[o] = 0;
            return (long)o;
        }
        p = amp + 1;
    }
    return -1;
}

/* Answers with a status and a UTF-8 text body. */
static void valor_respond_text(int status, const char *text, size_t len) {
    char head[64];
    int n = 0;
    int s = status;
    char digits[4] = {(char)('0' + s / 100 % 10), (char)('0' + s / 10 % 10), (char)('0' + s % 10), 0};
    const char *ct = "\ncontent-type: text/plain; charset=utf-8\n";
    memcpy(head, digits, 3); n = 3;
    memcpy(head + n, ct, strlen(ct)); n += (int)strlen(ct);
    valor_respond(head, (size_t)n, text, len);
}

/* ---- The exports the host calls. Request buffers come from malloc and go after each request. ---- */

static void *valor_buffers[2];
static int valor_buffer_count;

__attribute__((export_name("valor_alloc")))
void *valor_alloc(size_t len) {
    void *p = malloc(len ? len : 1);
    if (p && valor_buffer_count < 2) valor_buffers[valor_buffer_count++] = p;
    return p;
}

__attribute__((export_name("valor_handle")))
int valor_handle(const char *head, size_t head_len, const uint8_t *body, size_t body_len) {
    valor_request req = {0};
    const char *end = head + head_len;
    const char *eol = memchr(head, '\n', head_len);
    if (!eol) eol = end;
    const char *sp = memchr(head, ' ', (size_t)(eol - head));
    if (!sp) sp = eol;
    req.method = head; req.method_len = (size_t)(sp - head);
    const char *target = sp < eol ? sp + 1 : eol;
    const char *q = memchr(target, '?', (size_t)(eol - target));
    req.path = target; req.path_len = (size_t)((q ? q : eol) - target);
    req.query = q ? q + 1 : eol; req.query_len = q ? (size_t)(eol - q - 1) : 0;
    req.headers = eol < end ? eol + 1 : end; req.headers_len = (size_t)(end - req.headers);
    req.body = body; req.body_len = body_len;
    int rc = valor_plugin_handle(&req);
    for (int i = 0; i < valor_buffer_count; i++) free(valor_buffers[i]);
    valor_buffer_count = 0;
    return rc;
}

#ifdef VALOR_WANTS_INIT
__attribute__((export_name("valor_init")))
int valor_init(const char *config, size_t len) {
    int rc = valor_plugin_init(config, len);
    for (int i = 0; i < valor_buffer_count; i++) free(valor_buffers[i]);
    valor_buffer_count = 0;
    return rc;
}
#endif

#endif /* VALOR_H */
