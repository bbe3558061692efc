using System.Text;

namespace InferenceApi.Core.Templating;

/// <summary>
/// Renders a parsed template: statements write to the output, expressions evaluate with Python's semantics. Loop
/// bodies and macro calls get their own scope (a <c>set</c> inside a loop does not leak; <c>namespace()</c> is the way
/// out). Output length and loop iterations are bounded, so a template cannot run away.
/// </summary>
internal sealed class JinjaEvaluator
{
    private readonly StringBuilder _output = new();
    private readonly int _maxOutput;
    private readonly int _maxIterations;
    private int _iterations;

    private JinjaEvaluator(int maxOutput, int maxIterations)
    {
        _maxOutput = maxOutput;
        _maxIterations = maxIterations;
    }

    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    public static string Render(List<JinjaNode> nodes, Dictionary<string, object?> globals, int maxOutput, int maxIterations)
    {
        var evaluator = new JinjaEvaluator(maxOutput, maxIterations);
        var scope = new Scope(null);
        foreach ((string name, object? value) in globals)
        {
            scope.Set(name, value);
        }

        evaluator.Execute(nodes, scope);
        return evaluator._output.ToString();
    }

    internal static TemplateException Error(int line, string message) => new(TemplateErrorKind.Runtime, $"line {line}: {message}");

    private Flow Execute(List<JinjaNode> nodes, Scope scope)
    {
        foreach (JinjaNode node in nodes)
        {
            Flow flow = Execute(node, scope);
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }

        return Flow.Normal;
    }

    private Flow Execute(JinjaNode node, Scope scope)
    {
        switch (node)
        {
            case TextNode text:
                Write(text.Text);
                return Flow.Normal;
            case OutputNode output:
                Write(JinjaValues.ToText(Evaluate(output.Expression, scope)));
                return Flow.Normal;
            case IfNode branch:
                foreach ((JinjaExpression condition, List<JinjaNode> body) in branch.Branches)
                {
                    if (JinjaValues.IsTrue(Evaluate(condition, scope)))
                    {
                        return Execute(body, scope);
                    }
                }

                return branch.Else is null ? Flow.Normal : Execute(branch.Else, scope);
            case ForNode loop:
                ExecuteFor(loop, scope);
                return Flow.Normal;
            case SetNode set:
                ExecuteSet(set, scope);
                return Flow.Normal;
            case MacroNode macro:
                scope.Set(macro.Name, MakeMacro(macro, scope));
                return Flow.Normal;
            case BreakNode:
                return Flow.Break;
            case ContinueNode:
                return Flow.Continue;
            default:
                throw Error(node.Line, $"cannot render {node.GetType().Name}");
        }
    }

    private void ExecuteFor(ForNode loop, Scope scope)
    {
        List<object?> items = JinjaValues.Iterate(Evaluate(loop.Iterable, scope), loop.Line);
        if (loop.Filter is not null)
        {
            items = [.. items.Where(item => JinjaValues.IsTrue(Evaluate(loop.Filter, Bind(new Scope(scope), loop, item))))];
        }

        for (int i = 0; i < items.Count; i++)
        {
            if (++_iterations > _maxIterations)
            {
                throw new TemplateException(TemplateErrorKind.TooLarge, $"line {loop.Line}: the template ran more than {_maxIterations} loop iterations.");
            }

            Scope body = Bind(new Scope(scope), loop, items[i]);
            body.Set("loop", LoopInfo(items, i));
            if (Execute(loop.Body, body) == Flow.Break)
            {
                break;
            }
        }

        if (items.Count == 0 && loop.Else is not null)
        {
            Execute(loop.Else, scope);
        }
    }

    private static Scope Bind(Scope scope, ForNode loop, object? item)
    {
        if (loop.Targets.Count == 1)
        {
            scope.Set(loop.Targets[0], item);
            return scope;
        }

        List<object?> parts = item as List<object?> ?? throw Error(loop.Line, $"cannot unpack {JinjaValues.TypeName(item)} into {loop.Targets.Count} loop variables");
        if (parts.Count != loop.Targets.Count)
        {
            throw Error(loop.Line, $"cannot unpack {parts.Count} values into {loop.Targets.Count} loop variables");
        }

        for (int i = 0; i < parts.Count; i++)
        {
            scope.Set(loop.Targets[i], parts[i]);
        }

        return scope;
    }

    private static OrderedDictionary<object, object?> LoopInfo(List<object?> items, int i)
    {
        var info = new OrderedDictionary<object, object?>
        {
            ["index"] = (long)i + 1,
            ["index0"] = (long)i,
            ["revindex"] = (long)(items.Count - i),
            ["revindex0"] = (long)(items.Count - i - 1),
            ["first"] = i == 0,
            ["last"] = i == items.Count - 1,
            ["length"] = (long)items.Count,
            ["cycle"] = new JinjaFunction((args, _) => args.Count == 0 ? null : args[i % args.Count]),
        };
        if (i > 0)
        {
            info["previtem"] = items[i - 1];
        }

        if (i + 1 < items.Count)
        {
            info["nextitem"] = items[i + 1];
        }

        return info;
    }

    private void ExecuteSet(SetNode set, Scope scope)
    {
        object? value;
        if (set.Body is not null)
        {
            int mark = _output.Length;
            Execute(set.Body, new Scope(scope));
            value = _output.ToString(mark, _output.Length - mark);
            _output.Length = mark;
        }
        else
        {
            value = Evaluate(set.Value!, scope);
        }

        if (set.Attribute is not null)
        {
            if (scope.Get(set.Targets[0]) is not JinjaNamespace ns)
            {
                throw Error(set.Line, $"'{set.Targets[0]}' is not a namespace; only namespace() objects take attribute assignment");
            }

            ns.Attributes[set.Attribute] = value;
            return;
        }

        if (set.Targets.Count == 1)
        {
            scope.Set(set.Targets[0], value);
            return;
        }

        List<object?> parts = value as List<object?> ?? throw Error(set.Line, $"cannot unpack {JinjaValues.TypeName(value)}");
        if (parts.Count != set.Targets.Count)
        {
            throw Error(set.Line, $"cannot unpack {parts.Count} values into {set.Targets.Count} names");
        }

        for (int i = 0; i < parts.Count; i++)
        {
            scope.Set(set.Targets[i], parts[i]);
        }
    }

    private JinjaFunction MakeMacro(MacroNode macro, Scope closure) => (arguments, keywords) =>
    {
        var scope = new Scope(closure);
        for (int i = 0; i < macro.Parameters.Count; i++)
        {
            (string name, JinjaExpression? fallback) = macro.Parameters[i];
            object? value = i < arguments.Count ? arguments[i]
                : keywords.TryGetValue(name, out object? given) ? given
                : fallback is null ? JinjaUndefined.Instance : Evaluate(fallback, closure);
            scope.Set(name, value);
        }

        int mark = _output.Length;
        Execute(macro.Body, scope);
        string result = _output.ToString(mark, _output.Length - mark);
        _output.Length = mark;
        return result;
    };

    private void Write(string text)
    {
        if (_output.Length + text.Length > _maxOutput)
        {
            throw new TemplateException(TemplateErrorKind.TooLarge, $"the rendered prompt would exceed {_maxOutput} characters.");
        }

        _output.Append(text);
    }

    private object? Evaluate(JinjaExpression expression, Scope scope)
    {
        switch (expression)
        {
            case LiteralExpression literal:
                return literal.Value;
            case NameExpression name:
                return scope.Get(name.Name);
            case ListExpression list:
                return list.Items.Select(item => Evaluate(item, scope)).ToList();
            case DictExpression dict:
                var result = new OrderedDictionary<object, object?>();
                foreach ((JinjaExpression key, JinjaExpression value) in dict.Items)
                {
                    result[Evaluate(key, scope) ?? "None"] = Evaluate(value, scope);
                }

                return result;
            case AttributeExpression attribute:
                return JinjaMethods.GetAttribute(Evaluate(attribute.Target, scope), attribute.Name, attribute.Line);
            case IndexExpression index:
                return JinjaMethods.GetItem(Evaluate(index.Target, scope), Evaluate(index.Index, scope), index.Line);
            case SliceExpression slice:
                return JinjaMethods.Slice(
                    Evaluate(slice.Target, scope),
                    slice.Start is null ? null : Evaluate(slice.Start, scope),
                    slice.Stop is null ? null : Evaluate(slice.Stop, scope),
                    slice.Step is null ? null : Evaluate(slice.Step, scope),
                    slice.Line);
            case CallExpression call:
                object? target = Evaluate(call.Target, scope);
                if (target is not JinjaFunction function)
                {
                    string what = call.Target is NameExpression n ? $"'{n.Name}'" : call.Target is AttributeExpression a ? $"'.{a.Name}'" : "the value";
                    throw target is JinjaUndefined
                        ? new TemplateException(TemplateErrorKind.Unsupported, $"line {call.Line}: {what} is not a function this renderer knows.")
                        : Error(call.Line, $"{what} ({JinjaValues.TypeName(target)}) is not callable");
                }

                return function(
                    call.Arguments.Select(a => Evaluate(a, scope)).ToList(),
                    call.Keywords.ToDictionary(k => k.Name, k => Evaluate(k.Value, scope), StringComparer.Ordinal));
            case FilterExpression filter:
                return JinjaFilters.Apply(
                    filter.Name,
                    Evaluate(filter.Target, scope),
                    filter.Arguments.Select(a => Evaluate(a, scope)).ToList(),
                    filter.Keywords.ToDictionary(k => k.Name, k => Evaluate(k.Value, scope), StringComparer.Ordinal),
                    filter.Line);
            case TestExpression test:
                bool passed = JinjaFilters.Test(test.Name, Evaluate(test.Target, scope), test.Arguments.Select(a => Evaluate(a, scope)).ToList(), test.Line);
                return passed != test.Negated;
            case UnaryExpression unary:
                object? operand = Evaluate(unary.Operand, scope);
                return unary.Operator == "not" ? !JinjaValues.IsTrue(operand) : JinjaOperators.Negate(operand, unary.Line);
            case BinaryExpression { Operator: "and" } and:
                object? left = Evaluate(and.Left, scope);
                return JinjaValues.IsTrue(left) ? Evaluate(and.Right, scope) : left;
            case BinaryExpression { Operator: "or" } or:
                object? first = Evaluate(or.Left, scope);
                return JinjaValues.IsTrue(first) ? first : Evaluate(or.Right, scope);
            case BinaryExpression binary:
                return JinjaOperators.Apply(binary.Operator, Evaluate(binary.Left, scope), Evaluate(binary.Right, scope), binary.Line);
            case ConditionalExpression conditional:
                return JinjaValues.IsTrue(Evaluate(conditional.Condition, scope))
                    ? Evaluate(conditional.Then, scope)
                    : conditional.Else is null ? JinjaUndefined.Instance : Evaluate(conditional.Else, scope);
            default:
                throw Error(expression.Line, $"cannot evaluate {expression.GetType().Name}");
        }
    }

    private sealed class Scope(Scope? parent)
    {
        private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

        public object? Get(string name)
        {
            for (Scope? scope = this; scope is not null; scope = scope.Parent)
            {
                if (scope._values.TryGetValue(name, out object? value))
                {
                    return value;
                }
            }

            return JinjaUndefined.Instance;
        }

        public void Set(string name, object? value) => _values[name] = value;

        private Scope? Parent => parent;
    }
}
