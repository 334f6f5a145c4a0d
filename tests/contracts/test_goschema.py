"""The Go schema reader: tokens, expressions, validators, nested blocks and cross-field constraints."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from livecommerce.contracts.goschema import (
    Call,
    ExprParser,
    Ident,
    SchemaParser,
    Validation,
    interpret,
    string_constants,
    tokenize,
)

SRC = '''package alicloud

// resourceAliCloudThing is a test resource.
func resourceAliCloudThing() *schema.Resource {
	return &schema.Resource{
		Create: create, /* a block comment with "quotes" and { braces } */
		Schema: map[string]*schema.Schema{
			"mode": {
				Type:         schema.TypeString,
				Optional:     true,
				ValidateFunc: StringInSlice([]string{"fast", string(Slow)}, false),
			},
			"size": {
				Type:         schema.TypeInt,
				Required:     true,
				ValidateFunc: validation.IntBetween(1, 10),
			},
			"name": {
				Type:          schema.TypeString,
				Optional:      true,
				ConflictsWith: []string{"name_prefix"},
				ValidateFunc:  validation.All(StringLenBetween(2, 64),
					StringMatch(regexp.MustCompile(`^[a-z][-a-z0-9]*$`), "lower case")),
			},
			"name_prefix": {
				Type:     schema.TypeString,
				Optional: true,
			},
			"period": {
				Type:         schema.TypeInt,
				Optional:     true,
				ValidateFunc: validation.Any(IntBetween(1, 3), IntInSlice([]int{12, 24})),
			},
			"tags": tagsSchema(),
			"rules": {
				Type:     schema.TypeList,
				Optional: true,
				MaxItems: 3,
				Elem: &schema.Resource{
					Schema: map[string]*schema.Schema{
						"cidr": {
							Type:         schema.TypeString,
							Required:     true,
							ValidateFunc: validateCIDRNetworkAddress,
						},
						"weight": {
							Type:         schema.TypeInt,
							Optional:     true,
							ValidateFunc: validateWeight,
						},
					},
				},
			},
			"ids": {
				Type:     schema.TypeSet,
				Optional: true,
				Elem: &schema.Schema{
					Type: schema.TypeString, ValidateFunc: StringMatch(regexp.MustCompile("^id-"), ""),
				},
			},
			"old": {
				Type:    schema.TypeString,
				Optional: true,
				Removed: "gone since 1.100.0",
			},
		},
	}
}
'''


@pytest.fixture(scope="module")
def fields():
    return SchemaParser(SRC, resolve={"Slow": "slow"}.get).resource_schema("resourceAliCloudThing")


def test_tokens_decode_strings_and_keep_lines():
    toks = tokenize('a := "x\\ty" // c\n`raw\nline` \'r\' 42 3.5')
    assert [(t.kind, t.value) for t in toks if t.kind in ("string", "number")] == [
        ("string", "x\ty"), ("string", "raw\nline"), ("string", "r"), ("number", 42), ("number", 3.5)]
    assert toks[-1].line == 3


@given(st.lists(st.text(alphabet="abc{}()[] ", max_size=8), max_size=6))
def test_brackets_inside_strings_and_comments_never_count(parts):
    body = " ".join(f'"{p}"' for p in parts) + " // } ) ]\n /* { ( [ */"
    toks = tokenize("{" + body + "}")
    assert [t.text for t in toks if t.kind == "punct"] == ["{", "}"]


def test_fields_types_and_flags(fields):
    assert set(fields) == {"mode", "size", "name", "name_prefix", "period", "tags", "rules", "ids", "old"}
    assert fields["size"].required and fields["size"].type == "TypeInt"
    assert fields["mode"].optional and not fields["mode"].required
    assert fields["old"].removed == "gone since 1.100.0"
    assert fields["tags"].unparsed == "tagsSchema ( )"
    assert fields["rules"].max_items == 3 and set(fields["rules"].elem) == {"cidr", "weight"}


def test_validators_become_rules_with_their_lines(fields):
    [mode] = fields["mode"].validations
    assert (mode.kind, mode.values, mode.line) == ("enum", ("fast", "slow"), 11)  # the constant was resolved
    [size] = fields["size"].validations
    assert (size.kind, size.minimum, size.maximum) == ("range", 1, 10)
    length, pattern = fields["name"].validations
    assert (length.kind, length.minimum, length.maximum) == ("length", 2, 64)
    assert (pattern.kind, pattern.pattern, pattern.message) == ("pattern", "^[a-z][-a-z0-9]*$", "lower case")
    [period] = fields["period"].validations
    assert (period.kind, period.values) == ("enum", (1, 2, 3, 12, 24))
    assert fields["name"].conflicts_with == ("name_prefix",) and fields["name"].constraint_lines["conflicts_with"] == 21


def test_nested_blocks_and_element_schemas(fields):
    cidr, weight = fields["rules"].elem["cidr"], fields["rules"].elem["weight"]
    assert cidr.required and cidr.validations == [Validation("cidr", cidr.validations[0].line)]
    assert weight.validations[0].kind == "custom" and "validateWeight" in weight.validations[0].expr
    [ids] = fields["ids"].elem_field.validations
    assert (ids.kind, ids.pattern) == ("pattern", "^id-")


@pytest.mark.parametrize("expr,kind", [
    (Call("validation.StringIsJSON", (), 1), "custom"),
    (Ident("validation.StringIsJSON", 1), "json"),
    (Ident("StringIsNotEmpty", 1), "not_empty"),
    (Ident("validation.IsIPAddress", 1), "ip"),
    (Call("validation.IsCIDRNetwork", (16, 29), 1), "cidr"),
    (Call("IntAtLeast", (3,), 1), "range"),
    (Call("StringLenAtLeast", (1,), 1), "length"),
    (Call("StringDoesNotMatch", (Call("regexp.MustCompile", ("^x",), 1), ""), 1), "not_pattern"),
    (Call("validateSomething", (), 1), "custom"),
])
def test_interpret_each_validator_form(expr, kind):
    assert interpret(expr, "src", 1)[0].kind == kind


def test_unresolved_constants_stay_identifiers():
    toks = tokenize('StringInSlice([]string{string(Unknown), "b"}, true)')
    expr = ExprParser(toks).parse(0, len(toks))
    assert expr.args[0] == [Ident("Unknown", 1), "b"] and expr.args[1] is True


def test_string_constants_of_every_declaration_form():
    src = 'const (\n\tA = "a"\n\tB Kind = "b"\n\tC = Kind("c") // note\n)\nconst D = "d"\nvar e = "lower"\n'
    assert string_constants(src) == {"A": "a", "B": "b", "C": "c", "D": "d"}


def test_a_missing_function_or_schema_is_a_clear_error():
    with pytest.raises(KeyError, match="no func nope"):
        SchemaParser(SRC).resource_schema("nope")
