// minimage e2e sample (Java, a jar). checks.txt (a resource written by lab/e2e.py) lists the checks to run:
//   tls   verifies a certificate chain against the JRE's default trust store (the CA store the image gives the
//         JRE: its cacerts), offline: the chain is ISRG Root X1 (a public root certificate, embedded below), which
//         verifies only if the trust store holds that root
//   tz    ZoneId "America/New_York" loads (from the JRE's own tzdb.dat) with its rules: UTC-5 in January, UTC-4
//         in July
//   user  the JRE found the running user: user.name is "?" when getpwuid() finds no /etc/passwd entry
//   jni   the JNI library the jar carries (native/linux-x86_64/libselfcheck.so, built from jni/selfcheck.c by
//         lab/e2e.py) is extracted to a temporary file and loaded, as JNI libraries on Maven Central do, and its
//         native method answers (the running glibc's version)
// Prints "check NAME: ok|FAIL ..." per check, then "SELF-CHECK OK" (exit 0) or "SELF-CHECK FAILED" (exit 1).
package selfcheck;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

public final class Main {
    static final String ISRG_ROOT_X1 = """
        -----BEGIN CERTIFICATE-----
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
        -----END CERTIFICATE-----
        """;

    public static void main(String[] args) throws Exception {
        System.out.printf("check start: ok (Java %s, %s, at %s)%n", System.getProperty("java.version"),
                System.getProperty("java.vendor"), System.getProperty("java.home"));
        boolean ok = true;
        String checks;
        try (InputStream in = Main.class.getResourceAsStream("/checks.txt")) {
            checks = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        for (String name : checks.split(",")) {
            switch (name) {
                case "tls" -> ok &= check("tls", Main::tls);
                case "tz" -> ok &= check("tz", Main::tz);
                case "user" -> ok &= check("user", Main::user);
                case "jni" -> ok &= check("jni", Main::jni);
                case "" -> { }
                default -> ok &= check(name, () -> { throw new IllegalArgumentException("unknown check"); });
            }
        }
        System.out.println(ok ? "SELF-CHECK OK" : "SELF-CHECK FAILED");
        System.exit(ok ? 0 : 1);
    }

    static boolean check(String name, Callable<String> fn) {
        try {
            System.out.printf("check %s: ok (%s)%n", name, fn.call());
            return true;
        } catch (Exception e) {
            System.out.printf("check %s: FAIL (%s: %s)%n", name, e.getClass().getSimpleName(), e.getMessage());
            return false;
        }
    }

    static String tls() throws Exception {
        X509Certificate root = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(ISRG_ROOT_X1.getBytes(StandardCharsets.US_ASCII)));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null); // the JRE's default trust store, as an HTTPS client uses
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                int anchors = x509.getAcceptedIssuers().length;
                x509.checkServerTrusted(new X509Certificate[] {root}, "RSA");
                return root.getSubjectX500Principal().getName() + " verified against " + anchors + " trust anchors";
            }
        }
        throw new IllegalStateException("no X509TrustManager");
    }

    static String tz() {
        // the zone's rules, not its display name: since Java 23 (CLDR locale data only) Locale.ROOT formats the
        // short name as "GMT-05:00" on every JRE; the offsets on both sides of the DST change need the tz database
        ZoneId zone = ZoneId.of("America/New_York");
        ZoneOffset winter = zone.getRules().getOffset(Instant.ofEpochSecond(1736942400L)); // 2025-01-15T12:00Z
        ZoneOffset summer = zone.getRules().getOffset(Instant.ofEpochSecond(1752580800L)); // 2025-07-15T12:00Z
        if (!winter.equals(ZoneOffset.ofHours(-5)) || !summer.equals(ZoneOffset.ofHours(-4))) {
            throw new IllegalStateException("zone offsets " + winter + " and " + summer);
        }
        return zone + " UTC" + winter + " in January, UTC" + summer + " in July";
    }

    static native int glibcVersion();

    static String jni() throws Exception {
        String resource = "/native/linux-x86_64/libselfcheck.so";
        Path lib;
        try (InputStream in = Main.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the jar carries no " + resource);
            }
            lib = Files.createTempFile("libselfcheck", ".so");
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            System.load(lib.toString());
        } finally {
            Files.deleteIfExists(lib);
        }
        int v = glibcVersion();
        return resource + " loaded from " + lib.getParent() + "; it runs on glibc " + v / 1000 + "." + v % 1000;
    }

    static String user() {
        String name = System.getProperty("user.name");
        if (name == null || name.equals("?")) {
            throw new IllegalStateException("no /etc/passwd entry for the running uid (user.name=" + name + ")");
        }
        return "user " + name + ", home " + System.getProperty("user.home");
    }
}
