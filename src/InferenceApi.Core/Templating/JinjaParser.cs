namespace InferenceApi.Core.Templating;

/// <summary>
/// Recursive-descent parser for the Jinja subset chat templates use, with Jinja's operator precedence (lowest first):
/// <c>x if c else y</c>, <c>or</c>, <c>and</c>, <c>not</c>, comparisons and <c>in</c>, <c>+ -</c>, <c>~</c>,
/// <c>* / // %</c>, <c>**</c>, unary minus, then postfix <c>.attr</c>, <c>[i]</c>, <c>[a:b:c]</c>, calls, filters
/// <c>|f</c> and tests <c>is t</c>. Tags: if/elif/else, for (with unpacking, <c>if</c> filter and <c>else</c>), set
/// (names, namespace attributes, blocks), macro, break, continue.
/// </summary>
internal sealed partial class JinjaParser
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
