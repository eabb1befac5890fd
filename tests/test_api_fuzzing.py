"""schemathesis against the API's own OpenAPI schema (/api/schema/), as each role.

Every operation of the schema gets generated requests (valid and invalid parameters, bodies and
query strings) through the real WSGI application, authenticated with the token of an officer, a
reviewer, a member and a system administrator. schemathesis' checks then demand: no 500, a
status code the schema lists, a Content-Type it lists and a body that conforms to the schema.

Bounded for CI: FUZZ_EXAMPLES examples per operation and role (default 10; set the environment
variable to run deeper), no deadline. Nothing is downloaded: the schema is generated in-process
by drf-spectacular.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks

ROLES = ["officer", "reviewer", "member", "system_admin"]
# What the API promises for any request, valid or not. (Not "every schema-valid request
# succeeds": a filter naming a unit outside the caller's scope is schema-valid and rightly refused.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))


def load_schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(document)
    # Generated examples only: the "coverage" phase adds dozens of boundary requests per
    # operation on top of max_examples, which would put this test at twenty minutes.
    schema.config.phases.coverage.enabled = False
    schema.app = get_wsgi_application()
    return schema


schema = load_schema()
# The token endpoint checks passwords and locks accounts: fuzzing it would only exercise the lock.
schema = schema.exclude(path="/api/v1/auth/token/")
if os.environ.get("FUZZ_PATHS"):  # e.g. FUZZ_PATHS=submissions: only the paths matching this regex
    schema = schema.include(path_regex=os.environ["FUZZ_PATHS"])


@pytest.fixture
def in_process_requests():
    """Requests through the WSGI handler run inside the test's transaction.

    Django closes "old" connections at the end of each request; inside pytest-django's
    transaction that would drop the test's connection (its own test client disconnects the same
    signal while it runs a request).
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(tree, actors, in_process_requests):
    """The API token of each role, and some records of company A to find."""
    from reporting.definitions import ensure_forms_loaded
    from tests.factories import AgreementFactory, CampaignFactory, OfferFactory, PartnerFactory

    ensure_forms_loaded()
    OfferFactory(agreement=AgreementFactory(partner=PartnerFactory(unit=tree.company_a)))
    CampaignFactory(unit=tree.company_a)
    people = {
        "officer": actors.officer_a,
        "reviewer": actors.reviewer_an_giang,
        "member": actors.member,
        "system_admin": actors.system_admin,
    }
    return {role: Token.objects.get_or_create(user=user)[0].key for role, user in people.items()}


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)
def test_the_api_keeps_to_its_schema_for_every_role(case, tokens, throttle_cache):
    # Each generated request is sent as every role: the same input meets each scope.
    for role in ROLES:
        throttle_cache.clear()  # this is about answers, not rate limits
        try:
            case.call_and_validate(headers={"Authorization": f"Token {tokens[role]}"}, checks=CHECKS)
        except Exception as exc:
            exc.add_note(f"as {role}")
            raise
