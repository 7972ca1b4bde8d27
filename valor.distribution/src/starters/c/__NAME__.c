/* A Valor plugin in C, on Valor's reactor ABI (kits/c/valor.h): GET /__NAME__?who=Ann answers "Hello, Ann!". */
#include <stdio.h>
#include "valor.h"

int valor_plugin_handle(const valor_request *req) {
    char who[64];
    if (valor_query_param(req, "who", who, sizeof who) < 0) {
        snprintf(who, sizeof who, "world");
    }
    char text[96];
    int n = snprintf(text, sizeof text, "Hello, %s!", who);
    valor_respond_text(200, text, (size_t)n);
    return 0;
}
