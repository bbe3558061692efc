namespace InferenceApi.Core.Templating;

/// <summary>One lexeme of a template: text between tags, a tag's delimiters, or a word, literal or operator inside one.</summary>
internal readonly record struct JinjaToken(JinjaTokenKind Kind, string Value, int Line);
