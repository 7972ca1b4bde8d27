/*
 * A WAGI module reading a file from a folder its definition grants, read-only:
 *   "capabilities": {"files": {"/data": "/path/on/the/host"}}
 * It prints the file named by the query (?file=hello.txt) and whether it could write beside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    const char *query = getenv("QUERY_STRING");
    const char *name = query && strncmp(query, "file=", 5) == 0 ? query + 5 : "hello.txt";
    char path[256];
    snprintf(path, sizeof path, "/data/%s", name);

    printf("content-type: text/plain\n\n");
    FILE *in = fopen(path, "r");
    if (!in) {
        printf("read %s: refused\n", path);
    } else {
        char buf[1024];
        size_t n = fread(buf, 1, sizeof buf - 1, in);
        buf[n] = 0;
        fclose(in);
        printf("read %s: %s", path, buf);
    }
    FILE *out = fopen("/data/written.txt", "w");
    printf("write /data/written.txt: %s\n", out ? "allowed" : "refused");
    if (out) fclose(out);
    return 0;
}
