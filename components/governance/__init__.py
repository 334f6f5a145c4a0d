"""Microservice governance on MSE: the Nacos registry, the cloud-native gateway and its MSE Ingress binding,
the pod-template labels that enrol a workload, end-to-end canary lanes and governance rules (OpenAPI)."""
