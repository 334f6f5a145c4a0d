"""The container platform: ACK cluster, node pools, ECI virtual nodes, and elastic scheduling of workloads."""
