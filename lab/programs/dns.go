// Name lookup through net.LookupHost("localhost").
package main

import (
	"fmt"
	"net"
	"os"
)

func main() {
	addrs, err := net.LookupHost("localhost")
	if err != nil {
		fmt.Fprintln(os.Stderr, "LookupHost:", err)
		os.Exit(1)
	}
	fmt.Println("localhost ->", addrs)
}
