using System.Globalization;

namespace InferenceApi.Core.Templating;

/// <summary>
/// Recursive-descent parser for the Jinja subset chat templates use, with Jinja's operator precedence (lowest first):
/// <c>x if c else y</c>, <c>or</c>, <c>and</c>, <c>not</c>, comparisons and <c>in</c>, <c>+ -</c>, <c>~</c>,
/// <c>* / // %</c>, <c>**</c>, unary minus, then postfix <c>.attr</c>, <c>[i]</c>, <c>[a:b:c]</c>, calls, filters
/// <c>|f</c> and tests <c>is t</c>. Tags: if/elif/else, for (with unpacking, <c>if</c> filter and <c>else</c>), set
/// (names, namespace attributes, blocks), macro, break, continue.
/// </summary>
internal sealed class JinjaParser
{
    private readonly List<JinjaToken> _tokens;
    private int _position;

    private JinjaParser(List<JinjaToken> tokens) => _tokens = tokens;

    public static List<JinjaNode> Parse(string template)
    {
        var parser = new JinjaParser(JinjaLexer.Tokenize(template));
        List<JinjaNode> body = parser.ParseBody(out string? end);
        return end is null ? body : throw JinjaLexer.Error(parser.Peek.Line, $"unexpected {{% {end} %}}");
    }

    private JinjaToken Peek => _tokens[_position];

    // Parses statements until {% end… %}, {% elif/else %} or the end of the template; `end` is the tag that stopped it.
    private List<JinjaNode> ParseBody(out string? end)
    {
        var nodes = new List<JinjaNode>();
        while (true)
        {
            JinjaToken token = Next();
            switch (token.Kind)
            {
                case JinjaTokenKind.End:
                    _position--;
                    end = null;
                    return nodes;
                case JinjaTokenKind.Text:
                    nodes.Add(new TextNode(token.Line, token.Value));
                    break;
                case JinjaTokenKind.OpenExpression:
                    nodes.Add(new OutputNode(token.Line, ParseExpression()));
                    Expect(JinjaTokenKind.CloseExpression, "}}");
                    break;
                case JinjaTokenKind.OpenStatement:
                    JinjaToken tag = Expect(JinjaTokenKind.Name, "a tag name");
                    if (tag.Value is "elif" or "else" || tag.Value.StartsWith("end", StringComparison.Ordinal))
                    {
                        if (tag.Value.StartsWith("end", StringComparison.Ordinal))
                        {
                            Expect(JinjaTokenKind.CloseStatement, "%}");
                        }

                        end = tag.Value;
                        return nodes;
                    }

                    nodes.Add(ParseStatement(tag));
                    break;
                default:
                    throw JinjaLexer.Error(token.Line, $"unexpected '{token.Value}'");
            }
        }
    }

    private JinjaNode ParseStatement(JinjaToken tag)
    {
        switch (tag.Value)
        {
            case "if":
                return ParseIf(tag.Line);
            case "for":
                return ParseFor(tag.Line);
            case "set":
                return ParseSet(tag.Line);
            case "macro":
                return ParseMacro(tag.Line);
            case "break":
                Expect(JinjaTokenKind.CloseStatement, "%}");
                return new BreakNode(tag.Line);
            case "continue":
                Expect(JinjaTokenKind.CloseStatement, "%}");
                return new ContinueNode(tag.Line);
            default:
                throw new TemplateException(TemplateErrorKind.Unsupported, $"line {tag.Line}: the {{% {tag.Value} %}} tag is not supported by this server's chat-template renderer.");
        }
    }

    private IfNode ParseIf(int line)
    {
        var branches = new List<(JinjaExpression, List<JinjaNode>)>();
        JinjaExpression condition = ParseExpression();
        while (true)
        {
            Expect(JinjaTokenKind.CloseStatement, "%}");
            List<JinjaNode> body = ParseBody(out string? end);
            branches.Add((condition, body));
            switch (end)
            {
                case "elif":
                    condition = ParseExpression();
                    continue;
                case "else":
                    Expect(JinjaTokenKind.CloseStatement, "%}");
                    List<JinjaNode> otherwise = ParseBody(out string? close);
                    ExpectEnd(close, "endif", line);
                    return new IfNode(line, branches, otherwise);
                default:
                    ExpectEnd(end, "endif", line);
                    return new IfNode(line, branches, null);
            }
        }
    }

    private ForNode ParseFor(int line)
    {
        var targets = new List<string> { Expect(JinjaTokenKind.Name, "a loop variable").Value };
        while (Accept(","))
        {
            targets.Add(Expect(JinjaTokenKind.Name, "a loop variable").Value);
        }

        ExpectName("in");
        JinjaExpression iterable = ParseOr();
        JinjaExpression? filter = AcceptName("if") ? ParseOr() : null;
        Expect(JinjaTokenKind.CloseStatement, "%}");
        List<JinjaNode> body = ParseBody(out string? end);
        List<JinjaNode>? otherwise = null;
        if (end == "else")
        {
            Expect(JinjaTokenKind.CloseStatement, "%}");
            otherwise = ParseBody(out end);
        }

        ExpectEnd(end, "endfor", line);
        return new ForNode(line, targets, iterable, filter, body, otherwise);
    }

    private SetNode ParseSet(int line)
    {
        var targets = new List<string> { Expect(JinjaTokenKind.Name, "a variable name").Value };
        string? attribute = null;
        if (Accept("."))
        {
            attribute = Expect(JinjaTokenKind.Name, "an attribute name").Value;
        }

        while (Accept(","))
        {
            targets.Add(Expect(JinjaTokenKind.Name, "a variable name").Value);
        }

        if (Accept("="))
        {
            JinjaExpression value = ParseTuple();
            Expect(JinjaTokenKind.CloseStatement, "%}");
            return new SetNode(line, targets, attribute, value, null);
        }

        Expect(JinjaTokenKind.CloseStatement, "%}");
        List<JinjaNode> body = ParseBody(out string? end);
        ExpectEnd(end, "endset", line);
        return new SetNode(line, targets, attribute, null, body);
    }

    private MacroNode ParseMacro(int line)
    {
        string name = Expect(JinjaTokenKind.Name, "a macro name").Value;
        var parameters = new List<(string, JinjaExpression?)>();
        Expect("(");
        while (!Accept(")"))
        {
            string parameter = Expect(JinjaTokenKind.Name, "a parameter name").Value;
            parameters.Add((parameter, Accept("=") ? ParseExpression() : null));
            if (!Accept(","))
            {
                Expect(")");
                break;
            }
        }

        Expect(JinjaTokenKind.CloseStatement, "%}");
        List<JinjaNode> body = ParseBody(out string? end);
        ExpectEnd(end, "endmacro", line);
        return new MacroNode(line, name, parameters, body);
    }

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

    private JinjaToken Next() => _tokens[Math.Min(_position++, _tokens.Count - 1)];

    private bool IsOperator(string op) => Peek.Kind == JinjaTokenKind.Operator && Peek.Value == op;

    private bool IsName(string name) => Peek.Kind == JinjaTokenKind.Name && Peek.Value == name;

    private bool Accept(string op)
    {
        if (!IsOperator(op))
        {
            return false;
        }

        _position++;
        return true;
    }

    private bool AcceptName(string name)
    {
        if (!IsName(name))
        {
            return false;
        }

        _position++;
        return true;
    }

    private void Expect(string op)
    {
        if (!Accept(op))
        {
            throw JinjaLexer.Error(Peek.Line, $"expected '{op}', found {Describe(Peek)}");
        }
    }

    private void ExpectName(string name)
    {
        if (!AcceptName(name))
        {
            throw JinjaLexer.Error(Peek.Line, $"expected '{name}', found {Describe(Peek)}");
        }
    }

    private JinjaToken Expect(JinjaTokenKind kind, string what)
    {
        JinjaToken token = Next();
        return token.Kind == kind ? token : throw JinjaLexer.Error(token.Line, $"expected {what}, found {Describe(token)}");
    }

    private static void ExpectEnd(string? end, string expected, int line)
    {
        if (end != expected)
        {
            throw JinjaLexer.Error(line, end is null ? $"this block is never closed with {{% {expected} %}}" : $"expected {{% {expected} %}}, found {{% {end} %}}");
        }
    }

    private static string Describe(JinjaToken token) => token.Kind switch
    {
        JinjaTokenKind.End => "the end of the template",
        JinjaTokenKind.CloseExpression => "'}}'",
        JinjaTokenKind.CloseStatement => "'%}'",
        JinjaTokenKind.Text => "text",
        _ => $"'{token.Value}'",
    };
}
