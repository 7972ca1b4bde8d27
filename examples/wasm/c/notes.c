/*
 * A small JSON notes API on the key-value store "default", the same one examples/js/notes.js
 * serves: a note written by either is read by both.
 *
 *   POST   /ID        create, only if absent (409 otherwise); ?ttl=SECONDS to expire it
 *   PUT    /ID        create or replace
 *   GET    /ID        the note, or 404
 *   DELETE /ID        204, or 404
 *   GET    /          {"notes": [ids], "cursor": null | "..."}; ?limit=N&cursor=C for the next page
 *
 * IDs are 1 to 64 letters, digits, '-' or '_'; a note is stored under "note:ID".
 */
#include "valor.h"
#include <stdio.h>
#include <stdlib.h>

static const char STORE[] = "default";
#define STORE_ARGS STORE, sizeof STORE - 1

static void respond(int status, const char *type, const char *body, size_t len) {
    char head[96];
    int h = snprintf(head, sizeof head, "%d\ncontent-type: %s\n", status, type);
    valor_respond(head, (size_t)h, body, len);
}

static void text(int status, const char *message) {
    respond(status, "text/plain; charset=utf-8", message, strlen(message));
}

/* A store's refusal as an HTTP answer. */
static void refused(int rc) {
    switch (rc) {
    case VALOR_KV_VALUE_TOO_LARGE: text(413, "the note is larger than the store takes"); break;
    case VALOR_KV_QUOTA_EXCEEDED: text(507, "the store is full"); break;
    case VALOR_KV_UNAVAILABLE: text(503, "the store is unavailable"); break;
    default: { char m[48]; snprintf(m, sizeof m, "the store refused (%d)", rc); text(500, m); }
    }
}

static int valid_id(const char *p, size_t n) {
    if (n == 0 || n > 64) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '-' && c != '_')
            return 0;
    }
    return 1;
}

static int is(const valor_request *req, const char *method) {
    return req->method_len == strlen(method) && memcmp(req->method, method, req->method_len) == 0;
}

static void list(const valor_request *req) {
    char limit_text[8], cursor[256];
    long limit_len = valor_query_param(req, "limit", limit_text, sizeof limit_text);
    int limit = limit_len > 0 ? atoi(limit_text) : 100;
    long cursor_len = valor_query_param(req, "cursor", cursor, sizeof cursor);
    if (cursor_len < 0) cursor_len = 0;
    int n = valor_kv_list(STORE_ARGS, "note:", 5, cursor, (size_t)cursor_len, limit, NULL, 0);
    if (n < 0) { refused(n); return; }
    uint8_t *page_buf = malloc((size_t)n);
    n = valor_kv_list(STORE_ARGS, "note:", 5, cursor, (size_t)cursor_len, limit, page_buf, (size_t)n);
    valor_kv_page page;
    if (n < 0 || valor_kv_page_open(&page, page_buf, (size_t)n) != 0) { free(page_buf); refused(n); return; }
    /* IDs need no escaping: the plugin only ever writes valid ones. */
    size_t cap = 64 + (size_t)n * 2, len = 0;
    char *out = malloc(cap);
    len += (size_t)snprintf(out, cap, "{\"notes\":[");
    const char *key; size_t key_len; int64_t expiration;
    int first = 1;
    while (valor_kv_page_next(&page, &key, &key_len, &expiration)) {
        len += (size_t)snprintf(out + len, cap - len, "%s\"%.*s\"", first ? "" : ",", (int)(key_len - 5), key + 5);
        first = 0;
    }
    if (page.cursor_len)
        len += (size_t)snprintf(out + len, cap - len, "],\"cursor\":\"%.*s\"}", (int)page.cursor_len, page.cursor);
    else
        len += (size_t)snprintf(out + len, cap - len, "],\"cursor\":null}");
    respond(200, "application/json", out, len);
    free(out);
    free(page_buf);
}

int valor_plugin_handle(const valor_request *req) {
    const char *id = req->path_len > 0 && req->path[0] == '/' ? req->path + 1 : req->path;
    size_t id_len = req->path_len > 0 && req->path[0] == '/' ? req->path_len - 1 : req->path_len;
    if (id_len == 0) {
        if (is(req, "GET")) list(req);
        else text(405, "GET lists the notes");
        return 0;
    }
    if (!valid_id(id, id_len)) { text(400, "a note ID is 1 to 64 letters, digits, '-' or '_'"); return 0; }
    char key[72];
    size_t key_len = (size_t)snprintf(key, sizeof key, "note:%.*s", (int)id_len, id);
    if (is(req, "GET")) {
        size_t len; int rc;
        char *note = valor_kv_read(STORE, key, key_len, &len, &rc);
        if (!note) { if (rc == VALOR_KV_ABSENT) text(404, "no such note"); else refused(rc); return 0; }
        respond(200, "application/json", note, len);
        free(note);
    } else if (is(req, "POST") || is(req, "PUT")) {
        char ttl_text[16];
        int64_t ttl = valor_query_param(req, "ttl", ttl_text, sizeof ttl_text) > 0 ? atoll(ttl_text) : 0;
        int rc = is(req, "POST")
            ? valor_kv_cas(STORE_ARGS, key, key_len, NULL, -1, req->body, req->body_len, ttl)
            : valor_kv_put(STORE_ARGS, key, key_len, req->body, req->body_len, ttl);
        if (rc < 0) refused(rc);
        else if (is(req, "POST") && rc == 0) text(409, "the note exists");
        else respond(is(req, "POST") ? 201 : 200, "application/json", (const char *)req->body, req->body_len);
    } else if (is(req, "DELETE")) {
        int rc = valor_kv_delete(STORE_ARGS, key, key_len);
        if (rc < 0) refused(rc);
        else if (rc == 0) text(404, "no such note");
        else respond(204, "text/plain", "", 0);
    } else {
        text(405, "GET, POST, PUT or DELETE");
    }
    return 0;
}
