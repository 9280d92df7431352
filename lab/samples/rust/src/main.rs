// minimage e2e sample (Rust, gnu target, std only). src/checks.rs (written by lab/e2e.py) sets CHECKS:
//   user   the running uid has an /etc/passwd entry
//   shell  /bin/sh exists
//   ca     the system CA bundle (/etc/ssl/certs/ca-certificates.crt, where rustls-native-certs and OpenSSL look) holds
//          certificates (std only: no TLS crate comes from Debian's packages into the builder here)
// It always catches a panic first: unwinding needs libgcc_s.so.1 on the gnu target.
// Prints "check NAME: ok|FAIL ..." per check, then "SELF-CHECK OK" (exit 0) or "SELF-CHECK FAILED" (exit 1).
include!("checks.rs");

fn uid() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(2).map(str::to_string) // effective uid
}

fn main() {
    let caught = std::panic::catch_unwind(|| panic!("unwound")).is_err();
    println!("check start: {} (Rust, panic caught: {})", if caught { "ok" } else { "FAIL" }, caught);
    let mut ok = caught;
    for check in CHECKS {
        let result: Result<String, String> = match *check {
            "user" => {
                let uid = uid().unwrap_or_default();
                let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
                passwd
                    .lines()
                    .find(|l| l.split(':').nth(2) == Some(uid.as_str()))
                    .map(|l| l.split(':').next().unwrap_or("").to_string())
                    .ok_or(format!("uid {} not in /etc/passwd", uid))
            }
            "ca" => {
                let path = "/etc/ssl/certs/ca-certificates.crt";
                let bundle = std::fs::read_to_string(path).map_err(|e| format!("{}: {}", path, e));
                bundle.and_then(|b| match b.matches("-----BEGIN CERTIFICATE-----").count() {
                    0 => Err(format!("{}: no certificate", path)),
                    n => Ok(format!("{} certificates in {}", n, path)),
                })
            }
            "shell" => std::fs::metadata("/bin/sh").map(|_| "/bin/sh".to_string()).map_err(|e| e.to_string()),
            other => Err(format!("unknown check {}", other)),
        };
        match result {
            Ok(detail) => println!("check {}: ok ({})", check, detail),
            Err(e) => {
                println!("check {}: FAIL ({})", check, e);
                ok = false
            }
        }
    }
    println!("{}", if ok { "SELF-CHECK OK" } else { "SELF-CHECK FAILED" });
    std::process::exit(if ok { 0 } else { 1 });
}
