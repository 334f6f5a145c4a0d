"""Event-driven media processing: replay buckets on OSS and the FC 3.0 transcoder with its OSS trigger.

`settings.MediaSettings` is the config section (`livecommerce:platform.media`), `policies` holds the
pure RAM/OSS documents, and `transcoding.Media` is the component. The function's runtime code lives
beside it in `functions/transcoder/`.
"""
