// Go hello using fmt only: no cgo package, so static even with CGO_ENABLED=1.
package main

import "fmt"

func main() { fmt.Println("hello from Go") }
