/* minimage e2e sample (Java with a JNI library): the native half of selfcheck.Main's "jni" check.
 *
 * Libraries on Maven Central that use JNI (sqlite-jdbc, zstd-jni, netty's native transports, JNA) carry their .so
 * inside the jar, built by the library's publisher, and extract and System.load() it at run time. lab/e2e.py does
 * the publisher's part: it compiles this file with gcc into src/main/resources/native/linux-x86_64/, so the plan's
 * unchanged `mvn package` puts it in the jar. The library links glibc (libc.so.6), as those libraries' glibc builds
 * do, so it loads only on a glibc image.
 *
 * No jni.h is needed: the function takes the JNIEnv and class pointers it does not use and returns a jint
 * (int32_t); on x86-64 Linux JNIEXPORT is default visibility and JNICALL is empty.
 */
#include <gnu/libc-version.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* selfcheck.Main.glibcVersion(): the running glibc's version as major * 1000 + minor (2041 for 2.41) */
int32_t Java_selfcheck_Main_glibcVersion(void *env, void *cls) {
    (void)env;
    (void)cls;
    const char *v = gnu_get_libc_version();
    const char *dot = strchr(v, '.');
    return (int32_t)(atoi(v) * 1000 + (dot ? atoi(dot + 1) : 0));
}
