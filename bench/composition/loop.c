/* bench@1 consumer: ?n=N calls echo N times with a 16-byte payload through its socket. */
#include <stdio.h>
#include "valor.h"

VALOR_SOCKET("bench@1", echo, bench_echo);

int valor_plugin_handle(const valor_request *req) {
    char number[16];
    long n = valor_query_param(req, "n", number, sizeof number) > 0 ? atol(number) : 0;
    static const char payload[16] = "0123456789abcdef";
    long ok = 0;
    for (long i = 0; i < n; i++) {
        int results = bench_echo(payload, sizeof payload);
        ok += valor_result_count(results) == 1 && valor_result_ok(results, 0) == 1;
        valor_result_close(results);
    }
    char out[32];
    int len = snprintf(out, sizeof out, "%ld", ok);
    valor_respond_text(ok == n ? 200 : 500, out, (size_t)len);
    return 0;
}
