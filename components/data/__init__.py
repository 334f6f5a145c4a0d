"""The middleware and data layer: RocketMQ 5, Tair, PolarDB for MySQL, their credentials in KMS Secrets
Manager, and the bindings that hand endpoints and credentials to the services (docs/data.md)."""
