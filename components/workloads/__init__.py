"""The live-commerce microservices on the container platform.

`service_settings` is the service model (`livecommerce:platform.services` and the live-event calendar),
`scheduling_settings` + `scheduling` the elastic scheduling library (ECS first then ECI, HPA, CronHPA from
the calendar; CRD schemas in `schemas/`), `canary` the MSE Ingress objects of the entry canaries,
`manifests` the pure Kubernetes manifests of a service, and `microservices` the components that register them.
"""
