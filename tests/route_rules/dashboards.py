"""The dashboard page (/bang-dieu-khien/) and its figures (/api/v1/dashboard/…).

Everyone with a unit scope opens the dashboard of the top of their scope (an officer: their own
unit); a member (no unit scope) gets 404, an anonymous visitor the login page (401 on the API).
The .xlsx export needs `section` in the query: without it, 400 for those who may ask. A unit
outside the caller's scope (`?unit=` / `?don_vi=`) answers 404: see tests/dashboards/.
"""

from tests.route_rules import Rule, signed_in

FIGURES = {**signed_in(200, anonymous=401), "member": 404}

RULES = {
    "dashboards:dashboard": Rule({**signed_in(200), "member": 404}),
    "dashboard-reporting": Rule(FIGURES),
    "dashboard-welfare": Rule(FIGURES),
    "dashboard-benefits": Rule(FIGURES),
    "dashboard-campaigns": Rule(FIGURES),
    "dashboard-xlsx": Rule({**signed_in(400, anonymous=401), "member": 404}),
}
