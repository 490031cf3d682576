#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generate the simulator's request-parameter table from Stripe's OpenAPI spec.

Usage: gen-sim-params.py SPEC.json OUT.json

SPEC.json is Stripe's public OpenAPI 3 description (github.com/stripe/openapi, MIT licence,
Copyright (c) 2011- Stripe, Inc.). OUT.json (sim/params/stripe-params.json) is a compact table of
the request parameters of the endpoints the simulator serves, reduced to what validation needs:

    {"about": {...source, licence, supplements...},
     "endpoints": [{"method": "POST", "path": "/v1/payment_intents", "params": <schema>}, ...]}

For a POST the schema is the application/x-www-form-urlencoded request body; for GET and DELETE it
is an object built from the `in: query` parameters. Every schema keeps only type, properties,
required, additionalProperties, items, enum, anyOf, maxLength and format; `$ref`s are resolved and
descriptions dropped. An enum marked `x-stripeBypassValidation` is not enforced by Stripe, so it is
dropped and the value is checked as a plain string.

The spec is older than the Stripe API the client codes against; SUPPLEMENTS below adds the few
parameters a point of sale uses that the spec lacks. Each supplement checks that what it adds is
really missing, so a newer spec makes it fail loudly instead of silently doubling up.
"""

import json
import sys

ENDPOINTS = [
    ("GET", "/v1/balance"),
    ("POST", "/v1/customers"),
    ("GET", "/v1/customers"),
    ("GET", "/v1/customers/search"),
    ("GET", "/v1/customers/{customer}"),
    ("POST", "/v1/customers/{customer}"),
    ("DELETE", "/v1/customers/{customer}"),
    ("GET", "/v1/customers/{customer}/payment_methods"),
    ("POST", "/v1/payment_methods"),
    ("GET", "/v1/payment_methods"),
    ("GET", "/v1/payment_methods/{payment_method}"),
    ("POST", "/v1/payment_methods/{payment_method}"),
    ("POST", "/v1/payment_methods/{payment_method}/attach"),
    ("POST", "/v1/payment_methods/{payment_method}/detach"),
    ("POST", "/v1/payment_intents"),
    ("GET", "/v1/payment_intents"),
    ("GET", "/v1/payment_intents/search"),
    ("GET", "/v1/payment_intents/{intent}"),
    ("POST", "/v1/payment_intents/{intent}"),
    ("POST", "/v1/payment_intents/{intent}/confirm"),
    ("POST", "/v1/payment_intents/{intent}/capture"),
    ("POST", "/v1/payment_intents/{intent}/cancel"),
    ("GET", "/v1/charges"),
    ("GET", "/v1/charges/search"),
    ("GET", "/v1/charges/{charge}"),
    ("POST", "/v1/refunds"),
    ("GET", "/v1/refunds"),
    ("GET", "/v1/refunds/{refund}"),
    ("POST", "/v1/refunds/{refund}"),
    ("POST", "/v1/refunds/{refund}/cancel"),
    ("GET", "/v1/events"),
    ("GET", "/v1/events/{id}"),
    ("POST", "/v1/webhook_endpoints"),
    ("GET", "/v1/webhook_endpoints"),
    ("GET", "/v1/webhook_endpoints/{webhook_endpoint}"),
    ("POST", "/v1/webhook_endpoints/{webhook_endpoint}"),
    ("DELETE", "/v1/webhook_endpoints/{webhook_endpoint}"),
    ("GET", "/v1/terminal/readers"),
    ("GET", "/v1/terminal/readers/{reader}"),
    ("POST", "/v1/terminal/readers/{reader}/process_payment_intent"),
    ("POST", "/v1/terminal/readers/{reader}/process_setup_intent"),
    ("POST", "/v1/terminal/readers/{reader}/cancel_action"),
    ("POST", "/v1/test_helpers/terminal/readers/{reader}/present_payment_method"),
    ("POST", "/v1/setup_intents"),
    ("GET", "/v1/setup_intents"),
    ("GET", "/v1/setup_intents/{intent}"),
    ("POST", "/v1/setup_intents/{intent}"),
    ("POST", "/v1/setup_intents/{intent}/confirm"),
    ("POST", "/v1/setup_intents/{intent}/cancel"),
    ("POST", "/v1/checkout/sessions"),
    ("GET", "/v1/checkout/sessions"),
    ("GET", "/v1/checkout/sessions/{session}"),
    ("POST", "/v1/checkout/sessions/{session}/expire"),
    ("GET", "/v1/checkout/sessions/{session}/line_items"),
]

KEPT_KEYWORDS = ("type", "properties", "required", "additionalProperties", "items", "enum", "anyOf",
                 "maxLength", "format")

FORM = "application/x-www-form-urlencoded"


class SpecError(Exception):
    pass


def resolve(spec, node, seen=()):
    """Follows a local `$ref` chain to the schema it names."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/") or ref in seen:
            raise SpecError(f"unresolvable or cyclic $ref {ref}")
        seen = seen + (ref,)
        target = spec
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node, seen


def clean(spec, node, seen=()):
    """Returns a copy of the schema with `$ref`s resolved and only KEPT_KEYWORDS kept."""
    node, seen = resolve(spec, node, seen)
    out = {}
    for key in KEPT_KEYWORDS:
        if key not in node:
            continue
        value = node[key]
        if key == "properties":
            value = {name: clean(spec, sub, seen) for name, sub in value.items()}
        elif key == "items" or (key == "additionalProperties" and isinstance(value, dict)):
            value = clean(spec, value, seen)
        elif key == "anyOf":
            value = [clean(spec, sub, seen) for sub in value]
        elif key == "enum" and node.get("x-stripeBypassValidation"):
            continue
        out[key] = value
    return out


def endpoint_schema(spec, method, path):
    try:
        operation = spec["paths"][path][method.lower()]
    except KeyError:
        raise SpecError(f"{method} {path} is not in the spec") from None
    if method == "POST":
        body = operation.get("requestBody", {}).get("content", {}).get(FORM)
        if body is None:
            raise SpecError(f"{method} {path} has no {FORM} request body")
        schema = clean(spec, body["schema"])
        schema.setdefault("type", "object")
        schema.setdefault("properties", {})
        return schema
    properties = {}
    required = []
    for parameter in operation.get("parameters", []):
        parameter, _ = resolve(spec, parameter)
        if parameter.get("in") != "query":
            continue
        properties[parameter["name"]] = clean(spec, parameter.get("schema", {"type": "string"}))
        if parameter.get("required"):
            required.append(parameter["name"])
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


# --- Supplements -------------------------------------------------------------------------------
#
# SUPPLEMENT: everything below changes the spec's tables to match the current Stripe API where a
# point of sale depends on the difference. Each entry is (description, function(table)); the
# function raises SpecError when the spec already has what it adds.


def _params(table, method, path):
    return table[(method, path)]


def _object_branch(schema):
    """The object branch of a schema that is `anyOf: [object, ""]`, or the schema itself."""
    for branch in schema.get("anyOf", []):
        if branch.get("type") == "object":
            return branch
    return schema


def _add_property(schema, name, sub):
    if name in schema.setdefault("properties", {}):
        raise SpecError(f"supplement: '{name}' already exists")
    schema["properties"][name] = sub


def _add_enum_values(schema, values):
    missing = [v for v in values if v not in schema["enum"]]
    if not missing:
        raise SpecError(f"supplement: enum already has {values}")
    merged = schema["enum"] + missing
    schema["enum"] = sorted(merged) if schema["enum"] == sorted(schema["enum"]) else merged


def _make_optional(schema, name):
    if name not in schema.get("required", []):
        raise SpecError(f"supplement: '{name}' is already optional")
    schema["required"] = [r for r in schema["required"] if r != name]
    if not schema["required"]:
        del schema["required"]


def sup_capture_method_async(table):
    _add_enum_values(_params(table, "POST", "/v1/payment_intents")["properties"]["capture_method"],
                     ["automatic_async"])
    for path in ("/v1/payment_intents/{intent}", "/v1/payment_intents/{intent}/confirm"):
        _add_property(_params(table, "POST", path), "capture_method",
                      {"type": "string", "enum": ["automatic", "automatic_async", "manual"]})


def sup_card_present_options(table):
    for method, path in (("POST", "/v1/payment_intents"), ("POST", "/v1/payment_intents/{intent}"),
                         ("POST", "/v1/payment_intents/{intent}/confirm")):
        options = _params(table, method, path)["properties"]["payment_method_options"]
        card_present = _object_branch(options["properties"]["card_present"])
        _add_property(card_present, "request_extended_authorization", {"type": "boolean"})
        _add_property(card_present, "request_incremental_authorization_support", {"type": "boolean"})


def sup_allow_redirects(table):
    apm = _params(table, "POST", "/v1/payment_intents")["properties"]["automatic_payment_methods"]
    _add_property(apm, "allow_redirects", {"type": "string", "enum": ["always", "never"]})


def sup_payment_method_type_optional(table):
    for path in ("/v1/payment_methods", "/v1/customers/{customer}/payment_methods"):
        _make_optional(_params(table, "GET", path), "type")


def sup_checkout_session(table):
    params = _params(table, "POST", "/v1/checkout/sessions")
    _make_optional(params, "cancel_url")
    _add_property(params, "currency", {"type": "string"})


def sup_process_config(table):
    params = _params(table, "POST", "/v1/terminal/readers/{reader}/process_payment_intent")
    config = params["properties"]["process_config"]
    _add_property(config, "enable_customer_cancellation", {"type": "boolean"})
    _add_property(config, "tipping",
                  {"type": "object", "properties": {"amount_eligible": {"type": "integer"}}})


def sup_process_setup_intent(table):
    params = _params(table, "POST", "/v1/terminal/readers/{reader}/process_setup_intent")
    _make_optional(params, "customer_consent_collected")
    _add_property(params, "allow_redisplay",
                  {"type": "string", "enum": ["always", "limited", "unspecified"]})


def sup_present_payment_method(table):
    params = _params(table, "POST", "/v1/test_helpers/terminal/readers/{reader}/present_payment_method")
    card_present = params["properties"].get("card_present", {}).get("properties", {})
    if "number" not in card_present:  # present in the 2020-08-27 spec; kept as a check
        raise SpecError("supplement: card_present[number] missing from present_payment_method")
    _add_property(params, "amount_tip", {"type": "integer"})


# Not needed: the webhook endpoint enums that lack newer values (enabled_events without
# terminal.reader.action_* and refund.*, api_version ending at 2020-08-27) are marked
# x-stripeBypassValidation in the spec, so the table does not enforce them at all.
SUPPLEMENTS = [
    ("POST /v1/payment_intents: capture_method also accepts automatic_async; "
     "POST /v1/payment_intents/{intent} and /{intent}/confirm accept capture_method "
     "(automatic, automatic_async, manual)", sup_capture_method_async),
    ("POST /v1/payment_intents, /{intent}, /{intent}/confirm: payment_method_options[card_present] gains "
     "request_extended_authorization and request_incremental_authorization_support (booleans)",
     sup_card_present_options),
    ("POST /v1/payment_intents: automatic_payment_methods[allow_redirects] (always, never)",
     sup_allow_redirects),
    ("GET /v1/payment_methods, /v1/customers/{customer}/payment_methods: type is optional",
     sup_payment_method_type_optional),
    ("POST /v1/checkout/sessions: cancel_url is optional; currency (string) is accepted",
     sup_checkout_session),
    ("POST /v1/terminal/readers/{reader}/process_payment_intent: "
     "process_config[enable_customer_cancellation] (boolean) and "
     "process_config[tipping][amount_eligible] (integer)", sup_process_config),
    ("POST /v1/terminal/readers/{reader}/process_setup_intent: customer_consent_collected is optional; "
     "allow_redisplay (always, limited, unspecified)", sup_process_setup_intent),
    ("POST /v1/test_helpers/terminal/readers/{reader}/present_payment_method: amount_tip (integer); "
     "card_present[number] checked present", sup_present_payment_method),
]


def main(argv):
    if len(argv) != 3:
        print(f"usage: {argv[0]} SPEC.json OUT.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    try:
        table = {(method, path): endpoint_schema(spec, method, path) for method, path in ENDPOINTS}
        for _, apply in SUPPLEMENTS:
            apply(table)
    except SpecError as e:
        print(f"gen-sim-params: {e}", file=sys.stderr)
        return 1
    out = {
        "about": {
            "generator": "scripts/gen-sim-params.py",
            "source": "Stripe OpenAPI spec3, API version " + spec.get("info", {}).get("version", "?")
                      + " (https://github.com/stripe/openapi)",
            "license": "MIT, Copyright (c) 2011- Stripe, Inc.; see sim/params/LICENSE-stripe-openapi",
            "supplements": [description for description, _ in SUPPLEMENTS],
        },
        "endpoints": [{"method": method, "path": path, "params": table[(method, path)]}
                      for method, path in ENDPOINTS],
    }
    with open(argv[2], "w", encoding="utf-8") as f:
        json.dump(out, f, separators=(",", ":"), ensure_ascii=False)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
