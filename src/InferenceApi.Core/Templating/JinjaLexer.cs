using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace InferenceApi.Core.Templating;

/// <summary>
/// Splits a template into tokens, with the whitespace handling Hugging Face renders chat templates with: trim_blocks
/// and lstrip_blocks on, <c>{%-</c>/<c>-%}</c> (and the same for <c>{{ }}</c> and <c>{# #}</c>) strip the white space
/// beside them, one trailing newline is dropped, comments vanish, and transformers' <c>{% generation %}</c> markers are
/// ignored.
/// </summary>
internal static partial class JinjaLexer
{
    private static readonly string[] Operators =
        ["**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|"];

    public static List<JinjaToken> Tokenize(string template)
    {
        string source = Preprocess(template);
        var tokens = new List<JinjaToken>();
        int line = 1;
        int i = 0;
        while (i < source.Length)
        {
            int open = NextTag(source, i);
            if (open < 0)
            {
                tokens.Add(new JinjaToken(JinjaTokenKind.Text, source[i..], line));
                break;
            }

            if (open > i)
            {
                tokens.Add(new JinjaToken(JinjaTokenKind.Text, source[i..open], line));
                line += Count(source, i, open);
            }

            char kind = source[open + 1];
            if (kind == '#')
            {
                int close = source.IndexOf("#}", open + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw Error(line, "a comment {# is never closed with #}");
                }

                line += Count(source, open, close);
                i = close + 2;
                continue;
            }

            bool expression = kind == '{';
            tokens.Add(new JinjaToken(expression ? JinjaTokenKind.OpenExpression : JinjaTokenKind.OpenStatement, string.Empty, line));
            i = LexTag(source, open + 2, expression ? "}}" : "%}", tokens, ref line);
            tokens.Add(new JinjaToken(expression ? JinjaTokenKind.CloseExpression : JinjaTokenKind.CloseStatement, string.Empty, line));
        }

        tokens.Add(new JinjaToken(JinjaTokenKind.End, string.Empty, line));
        return tokens;
    }

    internal static TemplateException Error(int line, string message) => new(TemplateErrorKind.Syntax, $"line {line}: {message}");

    private static string Preprocess(string template)
    {
        string source = template.EndsWith('\n') ? template[..^1] : template;
        source = LeadingBlockSpace().Replace(source, "$1");
        source = NewlineAfterBlock().Replace(source, "$1");
        source = StripAfter().Replace(source, m => m.Groups[1].Value + "}");
        source = StripBefore().Replace(source, m => "{" + m.Groups[1].Value);
        return GenerationTag().Replace(source, string.Empty);
    }

    private static int NextTag(string source, int from)
    {
        for (int i = source.IndexOf('{', from); i >= 0 && i + 1 < source.Length; i = source.IndexOf('{', i + 1))
        {
            if (source[i + 1] is '{' or '%' or '#')
            {
                return i;
            }
        }

        return -1;
    }

    private static int LexTag(string source, int i, string close, List<JinjaToken> tokens, ref int line)
    {
        // "}}" closes the tag only outside a dict literal: {{ {'a': {'b': 1}} | tojson }}.
        int braces = 0;
        while (true)
        {
            while (i < source.Length && char.IsWhiteSpace(source[i]))
            {
                line += source[i] == '\n' ? 1 : 0;
                i++;
            }

            if (i >= source.Length)
            {
                throw Error(line, $"a tag is never closed with {close}");
            }

            if (string.CompareOrdinal(source, i, close, 0, 2) == 0 && braces == 0)
            {
                return i + 2;
            }

            char c = source[i];
            if (char.IsLetter(c) || c == '_')
            {
                int start = i;
                while (i < source.Length && (char.IsLetterOrDigit(source[i]) || source[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new JinjaToken(JinjaTokenKind.Name, source[start..i], line));
            }
            else if (char.IsAsciiDigit(c))
            {
                i = LexNumber(source, i, tokens, line);
            }
            else if (c is '\'' or '"')
            {
                i = LexString(source, i, tokens, ref line);
            }
            else
            {
                string? op = Operators.FirstOrDefault(o => string.CompareOrdinal(source, i, o, 0, o.Length) == 0);
                if (op is null)
                {
                    throw Error(line, $"unexpected character '{c}'");
                }

                braces += op == "{" ? 1 : op == "}" ? -1 : 0;
                tokens.Add(new JinjaToken(JinjaTokenKind.Operator, op, line));
                i += op.Length;
            }
        }
    }

    private static int LexNumber(string source, int i, List<JinjaToken> tokens, int line)
    {
        int start = i;
        while (i < source.Length && (char.IsAsciiDigit(source[i]) || source[i] == '_'))
        {
            i++;
        }

        bool isFloat = i + 1 < source.Length && source[i] == '.' && char.IsAsciiDigit(source[i + 1]);
        if (isFloat)
        {
            i++;
            while (i < source.Length && char.IsAsciiDigit(source[i]))
            {
                i++;
            }
        }

        if (i < source.Length && source[i] is 'e' or 'E' && i + 1 < source.Length && (char.IsAsciiDigit(source[i + 1]) || source[i + 1] is '-' or '+'))
        {
            isFloat = true;
            i += 2;
            while (i < source.Length && char.IsAsciiDigit(source[i]))
            {
                i++;
            }
        }

        string text = source[start..i].Replace("_", string.Empty, StringComparison.Ordinal);
        tokens.Add(new JinjaToken(isFloat ? JinjaTokenKind.Float : JinjaTokenKind.Integer, text, line));
        return i;
    }

    private static int LexString(string source, int i, List<JinjaToken> tokens, ref int line)
    {
        char quote = source[i++];
        var value = new StringBuilder();
        while (i < source.Length && source[i] != quote)
        {
            char c = source[i++];
            if (c == '\n')
            {
                line++;
            }

            if (c != '\\' || i >= source.Length)
            {
                value.Append(c);
                continue;
            }

            char escaped = source[i++];
            switch (escaped)
            {
                case 'n': value.Append('\n'); break;
                case 't': value.Append('\t'); break;
                case 'r': value.Append('\r'); break;
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case '\\' or '\'' or '"': value.Append(escaped); break;
                case 'u' when i + 4 <= source.Length && int.TryParse(source.AsSpan(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code):
                    value.Append((char)code);
                    i += 4;
                    break;
                default: value.Append('\\').Append(escaped); break;
            }
        }

        if (i >= source.Length)
        {
            throw Error(line, "a string literal is never closed");
        }

        tokens.Add(new JinjaToken(JinjaTokenKind.String, value.ToString(), line));
        return i + 1;
    }

    private static int Count(string source, int from, int to)
    {
        int lines = 0;
        for (int i = from; i < to; i++)
        {
            lines += source[i] == '\n' ? 1 : 0;
        }

        return lines;
    }

    // lstrip_blocks: spaces and tabs from the start of a line up to a block or comment tag.
    [GeneratedRegex(@"^[ \t]*(\{[#%])", RegexOptions.Multiline, 1000)]
    private static partial Regex LeadingBlockSpace();

    // trim_blocks: the first newline after a block or comment tag.
    [GeneratedRegex(@"([#%]\})\n", RegexOptions.None, 1000)]
    private static partial Regex NewlineAfterBlock();

    [GeneratedRegex(@"-([%}#])\}\s*", RegexOptions.None, 1000)]
    private static partial Regex StripAfter();

    [GeneratedRegex(@"\s*\{([%{#])-", RegexOptions.None, 1000)]
    private static partial Regex StripBefore();

    [GeneratedRegex(@"\{%\s*(end)?generation\s*%\}", RegexOptions.Singleline, 1000)]
    private static partial Regex GenerationTag();
}
