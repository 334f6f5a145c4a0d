"""The bootstrap program: `pulumi up` in bootstrap/ runs this; `livecommerce preview main --project-dir
bootstrap` runs the same file offline on Pulumi's mock runtime."""

from bootstrap.program import program

program()
