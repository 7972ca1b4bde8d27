/* The smallest reactor plugin: answers every request the same. */
#include "valor.h"

static const char TEXT[] = "OK response from a plugin";

int valor_plugin_handle(const valor_request *req) {
    (void)req;
    valor_respond_text(200, TEXT, sizeof TEXT - 1);
    return 0;
}
