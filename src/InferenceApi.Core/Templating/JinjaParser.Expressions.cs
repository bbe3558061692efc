using System.Globalization;

namespace InferenceApi.Core.Templating;

/// <summary>The expression grammar of <see cref="JinjaParser"/>, one method per precedence level (lowest first).</summary>
internal sealed partial class JinjaParser
{
    // `a, b` without brackets is a tuple (a list here), as in `{% set a, b = 1, 2 %}`.
    private JinjaExpression ParseTuple()
    {
        JinjaExpression first = ParseExpression();
        if (!IsOperator(","))
        {
            return first;
        }

        var items = new List<JinjaExpression> { first };
        while (Accept(","))
        {
            items.Add(ParseExpression());
        }

        return new ListExpression(first.Line, items);
    }

    private JinjaExpression ParseExpression()
    {
        JinjaExpression value = ParseOr();
        if (!AcceptName("if"))
        {
            return value;
        }

        JinjaExpression condition = ParseOr();
        JinjaExpression? otherwise = AcceptName("else") ? ParseExpression() : null;
        return new ConditionalExpression(value.Line, condition, value, otherwise);
    }

    private JinjaExpression ParseOr()
    {
        JinjaExpression left = ParseAnd();
        while (AcceptName("or"))
        {
            left = new BinaryExpression(left.Line, "or", left, ParseAnd());
        }

        return left;
    }

    private JinjaExpression ParseAnd()
    {
        JinjaExpression left = ParseNot();
        while (AcceptName("and"))
        {
            left = new BinaryExpression(left.Line, "and", left, ParseNot());
        }

        return left;
    }

    private JinjaExpression ParseNot() =>
        AcceptName("not") ? new UnaryExpression(Peek.Line, "not", ParseNot()) : ParseComparison();

    private JinjaExpression ParseComparison()
    {
        JinjaExpression left = ParseAdditive();
        while (true)
        {
            if (Peek.Kind == JinjaTokenKind.Operator && Peek.Value is "==" or "!=" or "<" or "<=" or ">" or ">=")
            {
                string op = Next().Value;
                left = new BinaryExpression(left.Line, op, left, ParseAdditive());
            }
            else if (AcceptName("in"))
            {
                left = new BinaryExpression(left.Line, "in", left, ParseAdditive());
            }
            else if (IsName("not") && _tokens[_position + 1] is { Kind: JinjaTokenKind.Name, Value: "in" })
            {
                _position += 2;
                left = new BinaryExpression(left.Line, "not in", left, ParseAdditive());
            }
            else
            {
                return left;
            }
        }
    }

    private JinjaExpression ParseAdditive()
    {
        JinjaExpression left = ParseConcat();
        while (IsOperator("+") || IsOperator("-"))
        {
            string op = Next().Value;
            left = new BinaryExpression(left.Line, op, left, ParseConcat());
        }

        return left;
    }

    private JinjaExpression ParseConcat()
    {
        JinjaExpression left = ParseMultiplicative();
        while (Accept("~"))
        {
            left = new BinaryExpression(left.Line, "~", left, ParseMultiplicative());
        }

        return left;
    }

    private JinjaExpression ParseMultiplicative()
    {
        JinjaExpression left = ParsePower();
        while (Peek.Kind == JinjaTokenKind.Operator && Peek.Value is "*" or "/" or "//" or "%")
        {
            string op = Next().Value;
            left = new BinaryExpression(left.Line, op, left, ParsePower());
        }

        return left;
    }

    private JinjaExpression ParsePower()
    {
        JinjaExpression left = ParseUnary();
        while (Accept("**"))
        {
            left = new BinaryExpression(left.Line, "**", left, ParseUnary());
        }

        return left;
    }

    // Unary minus binds tighter than binary operators but looser than filters: `-2 | abs` is abs(-2), as in Jinja.
    private JinjaExpression ParseUnary(bool withFilters = true)
    {
        JinjaExpression node;
        if (IsOperator("-") || IsOperator("+"))
        {
            JinjaToken op = Next();
            JinjaExpression operand = ParseUnary(withFilters: false);
            node = op.Value == "-" ? new UnaryExpression(op.Line, "-", operand) : operand;
        }
        else
        {
            node = ParsePostfix(ParsePrimary());
        }

        return withFilters ? ParseFilters(node) : node;
    }

    private JinjaExpression ParseFilters(JinjaExpression target)
    {
        while (true)
        {
            if (Accept("|"))
            {
                JinjaToken name = Expect(JinjaTokenKind.Name, "a filter name");
                var (arguments, keywords) = IsOperator("(") ? ParseArguments() : ([], []);
                target = new FilterExpression(name.Line, target, name.Value, arguments, keywords);
                target = ParsePostfix(target);
            }
            else if (AcceptName("is"))
            {
                bool negated = AcceptName("not");
                JinjaToken name = Next();
                if (name.Kind != JinjaTokenKind.Name)
                {
                    throw JinjaLexer.Error(name.Line, $"expected a test name after 'is', found '{name.Value}'");
                }

                var arguments = new List<JinjaExpression>();
                if (IsOperator("("))
                {
                    arguments = ParseArguments().Arguments;
                }
                else if (Peek.Kind is JinjaTokenKind.String or JinjaTokenKind.Integer or JinjaTokenKind.Float
                    || (Peek.Kind == JinjaTokenKind.Name && Peek.Value is not ("and" or "or" or "else" or "if" or "not" or "in" or "is")))
                {
                    arguments.Add(ParsePostfix(ParsePrimary()));
                }

                target = new TestExpression(name.Line, target, name.Value, arguments, negated);
            }
            else
            {
                return target;
            }
        }
    }

    private JinjaExpression ParsePostfix(JinjaExpression target)
    {
        while (true)
        {
            if (Accept("."))
            {
                JinjaToken name = Next();
                if (name.Kind is not (JinjaTokenKind.Name or JinjaTokenKind.Integer))
                {
                    throw JinjaLexer.Error(name.Line, $"expected an attribute name after '.', found '{name.Value}'");
                }

                target = new AttributeExpression(name.Line, target, name.Value);
            }
            else if (Accept("["))
            {
                target = ParseSubscript(target);
            }
            else if (IsOperator("("))
            {
                var (arguments, keywords) = ParseArguments();
                target = new CallExpression(target.Line, target, arguments, keywords);
            }
            else
            {
                return target;
            }
        }
    }

    private JinjaExpression ParseSubscript(JinjaExpression target)
    {
        JinjaExpression? start = IsOperator(":") ? null : ParseExpression();
        if (Accept("]"))
        {
            return new IndexExpression(target.Line, target, start!);
        }

        Expect(":");
        JinjaExpression? stop = IsOperator(":") || IsOperator("]") ? null : ParseExpression();
        JinjaExpression? step = null;
        if (Accept(":") && !IsOperator("]"))
        {
            step = ParseExpression();
        }

        Expect("]");
        return new SliceExpression(target.Line, target, start, stop, step);
    }

    private (List<JinjaExpression> Arguments, List<(string Name, JinjaExpression Value)> Keywords) ParseArguments()
    {
        Expect("(");
        var arguments = new List<JinjaExpression>();
        var keywords = new List<(string, JinjaExpression)>();
        while (!Accept(")"))
        {
            if (Peek.Kind == JinjaTokenKind.Name && _tokens[_position + 1] is { Kind: JinjaTokenKind.Operator, Value: "=" })
            {
                string name = Next().Value;
                Next();
                keywords.Add((name, ParseExpression()));
            }
            else
            {
                arguments.Add(ParseExpression());
            }

            if (!Accept(","))
            {
                Expect(")");
                break;
            }
        }

        return (arguments, keywords);
    }

    private JinjaExpression ParsePrimary()
    {
        JinjaToken token = Next();
        switch (token.Kind)
        {
            case JinjaTokenKind.String:
                // Adjacent literals join, as in Python: 'a' 'b' is 'ab'.
                string text = token.Value;
                while (Peek.Kind == JinjaTokenKind.String)
                {
                    text += Next().Value;
                }

                return new LiteralExpression(token.Line, text);
            case JinjaTokenKind.Integer:
                return new LiteralExpression(token.Line, long.Parse(token.Value, CultureInfo.InvariantCulture));
            case JinjaTokenKind.Float:
                return new LiteralExpression(token.Line, double.Parse(token.Value, CultureInfo.InvariantCulture));
            case JinjaTokenKind.Name:
                return token.Value switch
                {
                    "true" or "True" => new LiteralExpression(token.Line, true),
                    "false" or "False" => new LiteralExpression(token.Line, false),
                    "none" or "None" => new LiteralExpression(token.Line, null),
                    _ => new NameExpression(token.Line, token.Value),
                };
            case JinjaTokenKind.Operator when token.Value == "(":
                JinjaExpression inner = ParseTuple();
                Expect(")");
                return inner;
            case JinjaTokenKind.Operator when token.Value == "[":
                var items = new List<JinjaExpression>();
                while (!Accept("]"))
                {
                    items.Add(ParseExpression());
                    if (!Accept(","))
                    {
                        Expect("]");
                        break;
                    }
                }

                return new ListExpression(token.Line, items);
            case JinjaTokenKind.Operator when token.Value == "{":
                var pairs = new List<(JinjaExpression, JinjaExpression)>();
                while (!Accept("}"))
                {
                    JinjaExpression key = ParseExpression();
                    Expect(":");
                    pairs.Add((key, ParseExpression()));
                    if (!Accept(","))
                    {
                        Expect("}");
                        break;
                    }
                }

                return new DictExpression(token.Line, pairs);
            default:
                throw JinjaLexer.Error(token.Line, $"unexpected {Describe(token)} in an expression");
        }
    }
}
