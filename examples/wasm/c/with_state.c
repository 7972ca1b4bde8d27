/*
 * A reactor plugin with config and state: configured with a name ("Alice"), it answers
 * GET /?who=Bob with "Alice says hello Bob!", and 400 "Missing buddy to greet" without who.
 * It counts its greetings across requests, in the instance's memory.
 */
#define VALOR_WANTS_INIT
#include "valor.h"
#include <stdio.h>

static char name[128];
static unsigned long greeted;

int valor_plugin_init(const char *config, size_t len) {
    if (len >= sizeof name) len = sizeof name - 1;
    memcpy(name, config, len);
    name[len] = 0;
    return 0;
}

int valor_plugin_handle(const valor_request *req) {
    char who[128];
    if (valor_query_param(req, "who", who, sizeof who) <= 0) {
        static const char MISSING[] = "Missing buddy to greet";
        valor_respond_text(400, MISSING, sizeof MISSING - 1);
        return 0;
    }
    greeted++;
    char text[320];
    int n = snprintf(text, sizeof text, "%s says hello %s!", name, who);
    char head[128];
    int h = snprintf(head, sizeof head, "200\ncontent-type: text/plain; charset=utf-8\nx-greetings: %lu\n", greeted);
    valor_respond(head, (size_t)h, text, (size_t)n);
    return 0;
}
