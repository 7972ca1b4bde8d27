/*
 * audit_wasm: plugs into audit@1 with one function, record: it fingerprints the event it is
 * given (FNV-1a) and counts what this instance has seen. Over HTTP it says what it is.
 */
#include <stdio.h>
#include "valor.h"

static unsigned seen;

VALOR_PLUG("audit@1", record) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) { h ^= input[i]; h *= 16777619u; }
    char out[64];
    int n = snprintf(out, sizeof out, "fnv1a %08x, event %u of this instance", h, ++seen);
    valor_reply(out, (size_t)n);
    return 0;
}

int valor_plugin_handle(const valor_request *req) {
    (void)req;
    const char *text = "audit@1 provider (wasm): fingerprints events";
    valor_respond_text(200, text, strlen(text));
    return 0;
}
