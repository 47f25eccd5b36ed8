"""What operators see of a running service: request ids, JSON logs, Prometheus metrics, traces, health.

Domain-free, like kit/: the core may count into `metrics` and read `context`; nothing here knows a dialect.
"""
