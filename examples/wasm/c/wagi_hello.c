/*
 * A WAGI module in plain C with wasi-libc: reads the CGI environment and stdin, prints a CGI
 * response. Runs unchanged under any WAGI host.
 *
 *     clang --target=wasm32-wasi -O2 -Wl,--strip-all -o wagi_hello.wasm wagi_hello.c
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    const char *method = getenv("REQUEST_METHOD");
    const char *path = getenv("PATH_INFO");
    const char *query = getenv("QUERY_STRING");
    const char *route = getenv("X_MATCHED_ROUTE");
    const char *agent = getenv("HTTP_USER_AGENT");
    char body[4096];
    size_t n = fread(body, 1, sizeof body - 1, stdin);
    body[n] = 0;

    printf("content-type: text/plain\n");
    printf("x-wagi-args: %d\n", argc);
    printf("\n");
    printf("hello from WAGI\n");
    printf("method=%s path=%s query=%s route=%s\n", method ? method : "", path ? path : "",
           query ? query : "", route ? route : "");
    printf("argv[0]=%s", argc > 0 ? argv[0] : "");
    for (int i = 1; i < argc; i++) printf(" argv[%d]=%s", i, argv[i]);
    printf("\n");
    if (agent) printf("user-agent=%s\n", agent);
    if (n) printf("body=%s\n", body);
    fprintf(stderr, "served %s %s\n", method ? method : "?", path ? path : "/");
    return 0;
}
