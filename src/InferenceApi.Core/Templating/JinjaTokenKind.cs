namespace InferenceApi.Core.Templating;

internal enum JinjaTokenKind
{
    Text,
    OpenExpression,
    CloseExpression,
    OpenStatement,
    CloseStatement,
    Name,
    String,
    Integer,
    Float,
    Operator,
    End,
}
