"""The edge block: ApsaraVideo Live, the replay CDN, the WAF-protected API entry, certificates, DNS (docs/edge.md)."""
