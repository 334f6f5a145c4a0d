"""Full-stack monitoring: ARMS (RUM front ends, alerting) and managed Prometheus."""
