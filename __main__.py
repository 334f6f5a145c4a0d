"""The Pulumi program: `pulumi up` / `pulumi preview` run this; `livecommerce preview` runs the same
function offline on Pulumi's mock runtime."""

from stacks.platform import program

program()
