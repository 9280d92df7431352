// minimage e2e sample (Go, pure: no net, no os/user). checks.go (written by lab/e2e.py) sets `checks`:
//   tz     time.LoadLocation("America/New_York") works and gives EST in January
//   shell  /bin/sh exists
// Prints "check NAME: ok|FAIL ..." per check, then "SELF-CHECK OK" (exit 0) or "SELF-CHECK FAILED" (exit 1).
package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

func main() {
	ok := true
	fmt.Println("check start: ok (Go, pure)")
	for _, c := range strings.Split(checks, ",") {
		switch c {
		case "tz":
			loc, err := time.LoadLocation("America/New_York")
			if err == nil {
				name, _ := time.Unix(1736942400, 0).In(loc).Zone()
				err = map[bool]error{true: nil, false: fmt.Errorf("zone %s", name)}[name == "EST"]
			}
			ok = report("tz", err) && ok
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

func report(name string, err error) bool {
	if err != nil {
		fmt.Printf("check %s: FAIL (%v)\n", name, err)
		return false
	}
	fmt.Printf("check %s: ok\n", name)
	return true
}
