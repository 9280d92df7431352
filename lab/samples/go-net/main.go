// minimage e2e sample (Go with net/http, os/user and crypto/x509). checks.go (written by lab/e2e.py) sets `checks`:
//   net    serves HTTP on 127.0.0.1 and fetches it (loopback exists under --network none)
//   tls    verifies a certificate chain against the system CA bundle, offline: the chain is ISRG Root X1 (a
//          public root certificate, embedded below), which verifies only if the system pool holds that root
//   tz     time.LoadLocation("America/New_York") works and gives EST in January
//   user   user.Current() finds the running user (in /etc/passwd, without cgo)
//   shell  /bin/sh exists
package main

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/user"
	"strings"
	"time"
)

const isrgRootX1 = `-----BEGIN CERTIFICATE-----
MIIFazCCA1OgAwIBAgIRAIIQz7DSQONZRGPgu2OCiwAwDQYJKoZIhvcNAQELBQAw
TzELMAkGA1UEBhMCVVMxKTAnBgNVBAoTIEludGVybmV0IFNlY3VyaXR5IFJlc2Vh
cmNoIEdyb3VwMRUwEwYDVQQDEwxJU1JHIFJvb3QgWDEwHhcNMTUwNjA0MTEwNDM4
WhcNMzUwNjA0MTEwNDM4WjBPMQswCQYDVQQGEwJVUzEpMCcGA1UEChMgSW50ZXJu
ZXQgU2VjdXJpdHkgUmVzZWFyY2ggR3JvdXAxFTATBgNVBAMTDElTUkcgUm9vdCBY
MTCCAiIwDQYJKoZIhvcNAQEBBQADggIPADCCAgoCggIBAK3oJHP0FDfzm54rVygc
h77ct984kIxuPOZXoHj3dcKi/vVqbvYATyjb3miGbESTtrFj/RQSa78f0uoxmyF+
0TM8ukj13Xnfs7j/EvEhmkvBioZxaUpmZmyPfjxwv60pIgbz5MDmgK7iS4+3mX6U
A5/TR5d8mUgjU+g4rk8Kb4Mu0UlXjIB0ttov0DiNewNwIRt18jA8+o+u3dpjq+sW
T8KOEUt+zwvo/7V3LvSye0rgTBIlDHCNAymg4VMk7BPZ7hm/ELNKjD+Jo2FR3qyH
B5T0Y3HsLuJvW5iB4YlcNHlsdu87kGJ55tukmi8mxdAQ4Q7e2RCOFvu396j3x+UC
B5iPNgiV5+I3lg02dZ77DnKxHZu8A/lJBdiB3QW0KtZB6awBdpUKD9jf1b0SHzUv
KBds0pjBqAlkd25HN7rOrFleaJ1/ctaJxQZBKT5ZPt0m9STJEadao0xAH0ahmbWn
OlFuhjuefXKnEgV4We0+UXgVCwOPjdAvBbI+e0ocS3MFEvzG6uBQE3xDk3SzynTn
jh8BCNAw1FtxNrQHusEwMFxIt4I7mKZ9YIqioymCzLq9gwQbooMDQaHWBfEbwrbw
qHyGO0aoSCqI3Haadr8faqU9GY/rOPNk3sgrDQoo//fb4hVC1CLQJ13hef4Y53CI
rU7m2Ys6xt0nUW7/vGT1M0NPAgMBAAGjQjBAMA4GA1UdDwEB/wQEAwIBBjAPBgNV
HRMBAf8EBTADAQH/MB0GA1UdDgQWBBR5tFnme7bl5AFzgAiIyBpY9umbbjANBgkq
hkiG9w0BAQsFAAOCAgEAVR9YqbyyqFDQDLHYGmkgJykIrGF1XIpu+ILlaS/V9lZL
ubhzEFnTIZd+50xx+7LSYK05qAvqFyFWhfFQDlnrzuBZ6brJFe+GnY+EgPbk6ZGQ
3BebYhtF8GaV0nxvwuo77x/Py9auJ/GpsMiu/X1+mvoiBOv/2X/qkSsisRcOj/KK
NFtY2PwByVS5uCbMiogziUwthDyC3+6WVwW6LLv3xLfHTjuCvjHIInNzktHCgKQ5
ORAzI4JMPJ+GslWYHb4phowim57iaztXOoJwTdwJx4nLCgdNbOhdjsnvzqvHu7Ur
TkXWStAmzOVyyghqpZXjFaH3pO3JLF+l+/+sKAIuvtd7u+Nxe5AW0wdeRlN8NwdC
jNPElpzVmbUq4JUagEiuTDkHzsxHpFKVK7q4+63SM1N95R1NbdWhscdCb+ZAJzVc
oyi3B43njTOQ5yOf+1CceWxG1bQVs5ZufpsMljq4Ui0/1lvh+wjChP4kqKOJ2qxq
4RgqsahDYVvTH9w7jXbyLeiNdd8XM2w9U/t7y0Ff/9yi0GE44Za4rF2LN9d11TPA
mRGunUHBcnWEvgJBQl9nJEiU0Zsnvgc/ubhPgXRR4Xq37Z0j4r7g1SgEEzwxA57d
emyPxgcYxn/eR44/KJ4EBs+lVDR3veyJm+kXQ99b21/+jh5Xos1AnX5iItreGCc=
-----END CERTIFICATE-----`

func main() {
	ok := true
	fmt.Println("check start: ok (Go, net)")
	for _, c := range strings.Split(checks, ",") {
		switch c {
		case "net":
			ok = report("net", checkNet()) && ok
		case "tls":
			ok = report("tls", checkTLS()) && ok
		case "tz":
			loc, err := time.LoadLocation("America/New_York")
			if err == nil {
				name, _ := time.Unix(1736942400, 0).In(loc).Zone()
				if name != "EST" {
					err = fmt.Errorf("zone %s", name)
				}
			}
			ok = report("tz", err) && ok
		case "user":
			u, err := user.Current()
			if err == nil {
				fmt.Printf("  user %s uid %s\n", u.Username, u.Uid)
			}
			ok = report("user", err) && ok
		case "shell":
			_, err := os.Stat("/bin/sh")
			ok = report("shell", err) && ok
		}
	}
	if ok {
		fmt.Println("SELF-CHECK OK")
		return
	}
	fmt.Println("SELF-CHECK FAILED")
	os.Exit(1)
}

func checkNet() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "pong") }))
	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "pong" {
		return fmt.Errorf("got %q", body)
	}
	return nil
}

func checkTLS() error {
	block, _ := pem.Decode([]byte(isrgRootX1))
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return err
	}
	// Roots nil: the system pool (SSL_CERT_FILE, /etc/ssl/certs/ca-certificates.crt, ...), as an HTTPS client uses.
	_, err = cert.Verify(x509.VerifyOptions{CurrentTime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	return err
}

func report(name string, err error) bool {
	if err != nil {
		fmt.Printf("check %s: FAIL (%v)\n", name, err)
		return false
	}
	fmt.Printf("check %s: ok\n", name)
	return true
}
