// os/user.Current(): libc getpwuid_r with cgo, /etc/passwd parsing without.
package main

import (
	"fmt"
	"os"
	"os/user"
)

func main() {
	u, err := user.Current()
	if err != nil {
		fmt.Fprintln(os.Stderr, "user.Current:", err)
		os.Exit(1)
	}
	fmt.Printf("user=%s uid=%s home=%s\n", u.Username, u.Uid, u.HomeDir)
}
