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

static void valor_free_buffers(void) {
    for (int i = 0; i < valor_buffer_count; i++) free(valor_buffers[i]);
    valor_buffer_count = 0;
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
    valor_free_buffers();
    return rc;
}

#ifdef VALOR_WANTS_INIT
__attribute__((export_name("valor_init")))
int valor_init(const char *config, size_t len) {
    int rc = valor_plugin_init(config, len);
    valor_free_buffers();
    return rc;
}
#endif

/* ---- Composition (docs/composition.md): plugs this module provides, sockets it calls ---- */

/* A plug function's answer: the bytes it returns, or with a non-zero return its error message. */
__attribute__((import_module("valor"), import_name("reply")))
void valor_reply(const void *data, size_t len);

/*
 * Defines a plug function: VALOR_PLUG("markdown@1", render) { ... } exports "markdown@1.render",
 * given the input as (input, len). It answers with valor_reply() and returns 0, or returns non-zero
 * (with an error message as its reply) for an error the consumer sees as this provider's.
 */
#define VALOR_PLUG(binding, fn) \
    static int valor_plug_##fn(const uint8_t *input, size_t len); \
    __attribute__((export_name(binding "." #fn))) int valor_plug_export_##fn(const uint8_t *input, size_t len) { \
        int rc = valor_plug_##fn(input, len); \
        valor_free_buffers(); \
        return rc; \
    } \
    static int valor_plug_##fn(const uint8_t *input, size_t len)

/*
 * Declares a socket function: VALOR_SOCKET("markdown@1", render, md_render) gives
 * int md_render(const void *input, size_t len), which calls the binding's providers and returns a
 * results handle. The definition must declare the socket, or the module is refused at deploy.
 */
#define VALOR_SOCKET(binding, fn, cname) \
    __attribute__((import_module(binding), import_name(#fn))) int cname(const void *input, size_t len)

/* Reading a socket call's results: one per provider called (none when there is none). */
__attribute__((import_module("valor"), import_name("result_count")))
int valor_result_count(int results);
/* 1 if provider i answered, 0 if it failed (its value is then the error message). */
__attribute__((import_module("valor"), import_name("result_ok")))
int valor_result_ok(int results, int i);
/* These copy into (buf, cap) when it fits and return the full length either way. */
__attribute__((import_module("valor"), import_name("result_provider")))
int valor_result_provider(int results, int i, char *buf, size_t cap);
__attribute__((import_module("valor"), import_name("result_value")))
int valor_result_value(int results, int i, void *buf, size_t cap);
__attribute__((import_module("valor"), import_name("result_close")))
void valor_result_close(int results);

/* Result i's value (or error) in a fresh malloc'd buffer, NUL-terminated; *len gets its length. */
static char *valor_result_read(int results, int i, size_t *len) {
    int n = valor_result_value(results, i, NULL, 0);
    if (n < 0) return NULL;
    char *buf = malloc((size_t)n + 1);
    if (!buf) return NULL;
    valor_result_value(results, i, buf, (size_t)n);
    buf[n] = 0;
    *len = (size_t)n;
    return buf;
}

/* ---- Key-value stores (docs/kv.md): granted by the definition's "capabilities": {"kv": [...]} ---- */

/* What the kv functions return when they cannot do what was asked; nothing was changed. */
enum {
    VALOR_KV_ABSENT = -1,           /* valor_kv_get: no such key */
    VALOR_KV_NOT_GRANTED = -2,      /* the definition does not grant the store */
    VALOR_KV_NO_SUCH_STORE = -3,    /* no store of that name is configured */
    VALOR_KV_INVALID_KEY = -4,      /* empty, or longer than 512 bytes */
    VALOR_KV_VALUE_TOO_LARGE = -5,  /* larger than the store's largest value (1 MiB by default) */
    VALOR_KV_QUOTA_EXCEEDED = -6,   /* the store would hold more than its quota */
    VALOR_KV_NOT_A_NUMBER = -7,     /* increment of a value that is not a 64-bit integer's text */
    VALOR_KV_INVALID_ARGUMENT = -8, /* a limit, cursor or expiry out of range */
    VALOR_KV_UNAVAILABLE = -9       /* the backend is down or did not answer in time */
};

/* The value's length, copied into (buf, cap) if it fits; VALOR_KV_ABSENT or another code. */
__attribute__((import_module("valor"), import_name("kv_get")))
int valor_kv_get(const char *store, size_t store_len, const char *key, size_t key_len, void *buf, size_t cap);
/* 0, or a code. ttl_seconds 0: no expiry. */
__attribute__((import_module("valor"), import_name("kv_put")))
int valor_kv_put(const char *store, size_t store_len, const char *key, size_t key_len,
                 const void *value, size_t value_len, int64_t ttl_seconds);
/* 1 if it was there, 0 if not, or a code. */
__attribute__((import_module("valor"), import_name("kv_delete")))
int valor_kv_delete(const char *store, size_t store_len, const char *key, size_t key_len);
/* Adds delta atomically (absent counts as 0) and writes the new value to *out: 0, or a code. */
__attribute__((import_module("valor"), import_name("kv_increment")))
int valor_kv_increment(const char *store, size_t store_len, const char *key, size_t key_len,
                       int64_t delta, int64_t *out);
/* Sets the value only if the current one is (expected, expected_len); expected_len -1: only if
 * absent. 1 if set, 0 if not, or a code. */
__attribute__((import_module("valor"), import_name("kv_cas")))
int valor_kv_cas(const char *store, size_t store_len, const char *key, size_t key_len,
                 const void *expected, int expected_len, const void *value, size_t value_len,
                 int64_t ttl_seconds);
/* A page of keys starting with prefix, after cursor (empty: the first page), at most limit
 * (1 to 1000); its encoded length, copied into (buf, cap) if it fits. Read it with
 * valor_kv_page_open() and valor_kv_page_next(). */
__attribute__((import_module("valor"), import_name("kv_list")))
int valor_kv_list(const char *store, size_t store_len, const char *prefix, size_t prefix_len,
                  const char *cursor, size_t cursor_len, int limit, void *buf, size_t cap);

/* The value in a fresh malloc'd buffer, NUL-terminated (*len gets its length); NULL with *rc the
 * code when absent or refused. */
static char *valor_kv_read(const char *store, const char *key, size_t key_len, size_t *len, int *rc) {
    size_t cap = 256;
    for (;;) {
        char *buf = malloc(cap + 1);
        if (!buf) { *rc = VALOR_KV_UNAVAILABLE; return NULL; }
        int n = valor_kv_get(store, strlen(store), key, key_len, buf, cap);
        if (n < 0) { free(buf); *rc = n; return NULL; }
        if ((size_t)n <= cap) { buf[n] = 0; *len = (size_t)n; *rc = 0; return buf; }
        free(buf);
        cap = (size_t)n; /* it grew between the calls: ask again with its new size */
    }
}

/* A page from valor_kv_list(), read key by key. */
typedef struct {
    const uint8_t *p, *end;
    uint32_t count, read;
    const char *cursor; size_t cursor_len; /* cursor_len 0: this was the last page */
} valor_kv_page;

static uint32_t valor_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int valor_kv_page_open(valor_kv_page *page, const void *buf, size_t len) {
    const uint8_t *p = buf;
    if (len < 8) return -1;
    page->count = valor_u32(p);
    page->cursor_len = valor_u32(p + 4);
    if (8 + page->cursor_len > len) return -1;
    page->cursor = (const char *)p + 8;
    page->p = p + 8 + page->cursor_len;
    page->end = p + len;
    page->read = 0;
    return 0;
}

/* The next key (not NUL-terminated) and its expiry in epoch seconds (0: none); 0 when done. */
static int valor_kv_page_next(valor_kv_page *page, const char **key, size_t *key_len, int64_t *expiration) {
    if (page->read >= page->count || page->p + 4 > page->end) return 0;
    uint32_t n = valor_u32(page->p);
    if (page->p + 4 + n + 8 > page->end) return 0;
    *key = (const char *)page->p + 4;
    *key_len = n;
    const uint8_t *e = page->p + 4 + n;
    *expiration = (int64_t)((uint64_t)valor_u32(e) | (uint64_t)valor_u32(e + 4) << 32);
    page->p = e + 8;
    page->read++;
    return 1;
}

#endif /* VALOR_H */
