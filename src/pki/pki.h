/*
 * pki.h -- the server's certificates: a self-signed cluster CA and a serving
 * certificate signed by it, created on first start in the data directory
 * (DIR/tls/ca.crt, ca.key, server.crt, server.key) and reused afterwards, so
 * kubeconfigs handed out stay valid across restarts.  GnuTLS, ECDSA P-256.
 *
 * kubectl sends bearer tokens only over TLS, which is why the API is HTTPS
 * with the CA embedded in the kubeconfig as certificate-authority-data.
 */
#ifndef EVERYNODE_PKI_H
#define EVERYNODE_PKI_H

#include <stddef.h>

typedef struct pki_bundle {
    char *ca_pem;     /* CA certificate, PEM (owned) */
    char *cert_pem;   /* serving certificate, PEM (owned) */
    char *key_pem;    /* serving key, PEM (owned) */
} pki_bundle;

/*
 * Load the files in DIR/tls, or create them.  hosts: n names/IP addresses the serving
 * certificate must cover (IPs become IP SANs, others DNS SANs); when the
 * existing certificate lacks one of them, a new one is issued by the same
 * CA.  Returns 0, or EN_IO.
 */
int pki_ensure(const char *dir, const char *const *hosts, size_t n, pki_bundle *out);
void pki_release(pki_bundle *b);
/* Base64 of a string (for certificate-authority-data); caller frees. */
char *pki_base64(const char *s);

#endif /* EVERYNODE_PKI_H */
