/* Resolves "localhost" through libc (NSS on glibc: /etc/nsswitch.conf, /etc/hosts). */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
int main(void) {
    struct addrinfo hints, *res, *p;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo("localhost", "80", &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "getaddrinfo(localhost): %s\n", gai_strerror(rc));
        return 2;
    }
    for (p = res; p; p = p->ai_next) {
        char buf[INET6_ADDRSTRLEN];
        void *a = p->ai_family == AF_INET ? (void *)&((struct sockaddr_in *)p->ai_addr)->sin_addr
                                          : (void *)&((struct sockaddr_in6 *)p->ai_addr)->sin6_addr;
        inet_ntop(p->ai_family, a, buf, sizeof buf);
        printf("localhost -> %s\n", buf);
    }
    freeaddrinfo(res);
    return 0;
}
