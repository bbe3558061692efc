namespace InferenceApi.Core.Templating;

// The syntax tree of a template. Statements render; expressions evaluate to values (see JinjaValues).
internal abstract record JinjaNode(int Line);

internal sealed record TextNode(int Line, string Text) : JinjaNode(Line);

internal sealed record OutputNode(int Line, JinjaExpression Expression) : JinjaNode(Line);

internal sealed record IfNode(int Line, List<(JinjaExpression Condition, List<JinjaNode> Body)> Branches, List<JinjaNode>? Else) : JinjaNode(Line);

internal sealed record ForNode(int Line, List<string> Targets, JinjaExpression Iterable, JinjaExpression? Filter, List<JinjaNode> Body, List<JinjaNode>? Else) : JinjaNode(Line);

/// <summary><c>{% set name = … %}</c>, <c>{% set ns.attr = … %}</c>, <c>{% set a, b = … %}</c>, or a block set when <see cref="Body"/> is not null.</summary>
internal sealed record SetNode(int Line, List<string> Targets, string? Attribute, JinjaExpression? Value, List<JinjaNode>? Body) : JinjaNode(Line);

internal sealed record MacroNode(int Line, string Name, List<(string Name, JinjaExpression? Default)> Parameters, List<JinjaNode> Body) : JinjaNode(Line);

internal sealed record BreakNode(int Line) : JinjaNode(Line);

internal sealed record ContinueNode(int Line) : JinjaNode(Line);

internal abstract record JinjaExpression(int Line);

internal sealed record LiteralExpression(int Line, object? Value) : JinjaExpression(Line);

internal sealed record NameExpression(int Line, string Name) : JinjaExpression(Line);

internal sealed record ListExpression(int Line, List<JinjaExpression> Items) : JinjaExpression(Line);

internal sealed record DictExpression(int Line, List<(JinjaExpression Key, JinjaExpression Value)> Items) : JinjaExpression(Line);

internal sealed record AttributeExpression(int Line, JinjaExpression Target, string Name) : JinjaExpression(Line);

internal sealed record IndexExpression(int Line, JinjaExpression Target, JinjaExpression Index) : JinjaExpression(Line);

internal sealed record SliceExpression(int Line, JinjaExpression Target, JinjaExpression? Start, JinjaExpression? Stop, JinjaExpression? Step) : JinjaExpression(Line);

internal sealed record CallExpression(int Line, JinjaExpression Target, List<JinjaExpression> Arguments, List<(string Name, JinjaExpression Value)> Keywords) : JinjaExpression(Line);

internal sealed record FilterExpression(int Line, JinjaExpression Target, string Name, List<JinjaExpression> Arguments, List<(string Name, JinjaExpression Value)> Keywords) : JinjaExpression(Line);

internal sealed record TestExpression(int Line, JinjaExpression Target, string Name, List<JinjaExpression> Arguments, bool Negated) : JinjaExpression(Line);

internal sealed record UnaryExpression(int Line, string Operator, JinjaExpression Operand) : JinjaExpression(Line);

internal sealed record BinaryExpression(int Line, string Operator, JinjaExpression Left, JinjaExpression Right) : JinjaExpression(Line);

internal sealed record ConditionalExpression(int Line, JinjaExpression Condition, JinjaExpression Then, JinjaExpression? Else) : JinjaExpression(Line);
