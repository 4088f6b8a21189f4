"""The team service: virtual keys, per-team policy, audit log, two-person waivers, dashboard.

Everything here is optional: with no `team:` section in the config the proxy behaves as a
single-user pass-through (the client's own provider key is forwarded). See docs/team.md.
"""
