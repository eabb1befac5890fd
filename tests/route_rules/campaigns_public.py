"""The public page of the campaigns: anyone, signed in or not."""

from tests.route_rules import Rule, everyone

RULES = {
    "campaigns:public-articles": Rule(everyone(200)),
}
