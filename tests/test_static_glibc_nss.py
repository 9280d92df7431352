"""A static glibc program that looks up its user gets an nsswitch.conf it can follow (the end-to-end matrix saw
getpwuid fail on distroless static, whose nsswitch.conf says passwd: compat)."""
QUIET = {"tls": "no", "timezones": "no", "needs_shell": "no"}


def dockerfile(rb, named_user, image="gcr.io/distroless/static-debian13"):
    result = rb.consult({"language": "cpp", "static_ok": "yes", "native_deps": "no", "named_user": named_user,
                         **QUIET})
    return next(p for p in result.plans if p.strategy == "cpp-static-glibc" and p.final_image == image).dockerfile


def test_user_lookups_get_an_nsswitch_conf_of_files_and_dns(rb):
    text = dockerfile(rb, "yes")
    final = text[text.index("FROM gcr.io/distroless/static-debian13"):]
    assert "COPY --from=build /tmp/nsswitch.conf /etc/nsswitch.conf" in final
    assert 'printf "passwd: files\\ngroup: files\\nshadow: files\\nhosts: files dns\\n"' in text


def test_no_user_lookups_leave_the_image_nsswitch_conf_alone(rb):
    assert "nsswitch" not in dockerfile(rb, "no")
