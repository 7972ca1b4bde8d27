/* bench@1 provider: echo gives its input back. */
#include "valor.h"

VALOR_PLUG("bench@1", echo) {
    valor_reply(input, len);
    return 0;
}

int valor_plugin_handle(const valor_request *req) {
    (void)req;
    valor_respond_text(200, "echo", 4);
    return 0;
}
