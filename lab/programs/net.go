// Imports net (a cgo-using std package): with CGO_ENABLED=1 the binary is
// dynamically linked against glibc; with CGO_ENABLED=0 it is static.
package main

import (
	"fmt"
	"net"
	"os"
)

func main() {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		fmt.Fprintln(os.Stderr, "InterfaceAddrs:", err)
		os.Exit(1)
	}
	fmt.Println("interface addrs:", addrs)
}
