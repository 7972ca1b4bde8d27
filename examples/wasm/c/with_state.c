/*
 * A reactor plugin with config and state: configured with a name ("Alice"), it answers
 * GET /?who=Bob with "Alice says hello Bob!", and 400 "Missing buddy to greet" without who.
 * It counts its greetings in the key-value store "default" (granted by its definition's
 * "capabilities": {"kv": ["default"]}), so the count is exact across instances, swaps and
 * restarts, and shared with every plugin that counts under the same key.
 */
#define VALOR_WANTS_INIT
#include "valor.h"
#include <stdio.h>

static char name[128];
static char key[160];
static size_t key_len;

int valor_plugin_init(const char *config, size_t len) {
    if (len >= sizeof name) len = sizeof name - 1;
    memcpy(name, config, len);
    name[len] = 0;
    key_len = (size_t)snprintf(key, sizeof key, "greetings:%s", name);
    return 0;
}

int valor_plugin_handle(const valor_request *req) {
    char who[128];
    if (valor_query_param(req, "who", who, sizeof who) <= 0) {
        static const char MISSING[] = "Missing buddy to greet";
        valor_respond_text(400, MISSING, sizeof MISSING - 1);
        return 0;
    }
    int64_t greeted;
    int rc = valor_kv_increment("default", 7, key, key_len, 1, &greeted);
    if (rc != 0) {
        char why[64];
        int n = snprintf(why, sizeof why, "the store refused the count (%d)", rc);
        valor_respond_text(503, why, (size_t)n);
        return 0;
    }
    char text[320];
    int n = snprintf(text, sizeof text, "%s says hello %s!", name, who);
    char head[128];
    int h = snprintf(head, sizeof head, "200\ncontent-type: text/plain; charset=utf-8\nx-greetings: %lld\n",
                     (long long)greeted);
    valor_respond(head, (size_t)h, text, (size_t)n);
    return 0;
}
