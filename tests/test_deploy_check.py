"""The production configuration: `check --deploy` and the static files build.

`check --deploy` runs in a subprocess: settings are read once at import, and these tests need DEBUG off, which the
test process (started with DEBUG=1 by `make test`) cannot switch back and forth.
"""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

# Variables a developer may have exported that would weaken the production defaults under test.
_OVERRIDES = (
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "STATIC_MANIFEST",
    "ALLOWED_HOSTS",
    "SECRET_KEY",
    "TRUST_X_FORWARDED_PROTO",
    "TRUSTED_PROXY_COUNT",
)


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in _OVERRIDES}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_environment():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="portal.example.vn",
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


def test_deploy_check_catches_a_weak_secret_key():
    # Proves the check above is not vacuous: a warning does fail it.
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY="too-short", ALLOWED_HOSTS="portal.example.vn",
    )

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_it_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_manage("check", DEBUG="0", ALLOWED_HOSTS="portal.example.vn")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_collectstatic_builds_the_production_manifest(tmp_path):
    # What the Docker build runs. The manifest storage refuses a file that references a missing one
    # (e.g. a vendored library's sourceMappingURL), which would break the image build.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)

    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    assert "vendor/bootstrap/bootstrap.min.css" in manifest["paths"]


def production_settings(**env: str) -> dict:
    names = [
        "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER", "X_FRAME_OPTIONS", "TRUSTED_PROXY_COUNT",
    ]
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    )
    result = run_manage(
        "shell", "-c", code,
        DEBUG="0", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="portal.example.vn", **env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_http_only_and_https_is_enforced():
    values = production_settings()

    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["CSRF_COOKIE_SECURE"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and values["SECURE_HSTS_PRELOAD"]
    assert values["X_FRAME_OPTIONS"] == "DENY"
    # Without a proxy declared, no forwarded header is trusted: neither the scheme nor the address.
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["TRUSTED_PROXY_COUNT"] == 0


def test_behind_a_tls_proxy_the_forwarded_scheme_is_trusted_only_when_declared():
    values = production_settings(TRUST_X_FORWARDED_PROTO="1", TRUSTED_PROXY_COUNT="1")

    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["TRUSTED_PROXY_COUNT"] == 1
