// minimage e2e sample (Go with cgo): the go-net sample's main.go (lab/e2e.py copies it in beside this file) plus
// SQLite through mattn/go-sqlite3, a cgo package. The check runs first, whatever the scenario asks: a program that
// uses go-sqlite3 must at least open a database, write and read it back.
package main

import (
	"database/sql"
	"fmt"
	"os"

	_ "github.com/mattn/go-sqlite3"
)

func init() {
	if !report("sqlite", checkSQLite()) {
		fmt.Println("SELF-CHECK FAILED")
		os.Exit(1)
	}
}

func checkSQLite() error {
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err = db.Exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('cgo')"); err != nil {
		return err
	}
	var v, version string
	if err = db.QueryRow("SELECT v, sqlite_version() FROM t").Scan(&v, &version); err != nil {
		return err
	}
	if v != "cgo" {
		return fmt.Errorf("read back %q", v)
	}
	fmt.Printf("  SQLite %s\n", version)
	return nil
}
