/* Links libssl + libcrypto (OpenSSL 3): needs libssl.so.3 and libcrypto.so.3 at run time. */
#include <stdio.h>
#include <openssl/ssl.h>
#include <openssl/crypto.h>
int main(void) {
    const SSL_METHOD *m = TLS_client_method();
    printf("%s method=%s\n", OpenSSL_version(OPENSSL_VERSION), m ? "ok" : "null");
    return 0;
}
