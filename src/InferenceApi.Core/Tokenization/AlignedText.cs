using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// A stretch of text as normalizers change it (NFC, "▁" for spaces, a prepended "▁"), each character remembering the
/// span of the original input it came from, so token offsets are reported against what the client sent.
/// </summary>
internal sealed class AlignedText
{
    private readonly StringBuilder _text;
    private readonly List<int> _starts;
    private readonly List<int> _stops;

    /// <summary>The characters of <paramref name="source"/>[<paramref name="start"/>, <paramref name="stop"/>), each mapped to itself.</summary>
    public AlignedText(string source, int start, int stop)
    {
        int length = stop - start;
        _text = new StringBuilder(source, start, length, length + 8);
        _starts = new List<int>(length + 8);
        _stops = new List<int>(length + 8);
        for (int i = start; i < stop; i++)
        {
            _starts.Add(i);
            _stops.Add(i + 1);
        }
    }

    private AlignedText(StringBuilder text, List<int> starts, List<int> stops)
    {
        _text = text;
        _starts = starts;
        _stops = stops;
    }

    public int Length => _text.Length;

    public override string ToString() => _text.ToString();

    /// <summary>The original span of normalized characters [<paramref name="start"/>, <paramref name="stop"/>) (non-empty).</summary>
    public (int Start, int Stop) ToSource(int start, int stop) => (_starts[start], _stops[stop - 1]);

    /// <summary>A copy of the characters [<paramref name="start"/>, <paramref name="stop"/>) with their spans.</summary>
    public AlignedText Slice(int start, int stop) =>
        new(new StringBuilder(_text.ToString(start, stop - start)), _starts.GetRange(start, stop - start), _stops.GetRange(start, stop - start));

    /// <summary>Puts <paramref name="prefix"/> first, mapped to an empty span at the start (Hugging Face's Prepend).</summary>
    public void Prepend(string prefix)
    {
        if (_text.Length == 0)
        {
            return;
        }

        int at = _starts[0];
        _text.Insert(0, prefix);
        _starts.InsertRange(0, Enumerable.Repeat(at, prefix.Length));
        _stops.InsertRange(0, Enumerable.Repeat(at, prefix.Length));
    }

    /// <summary>
    /// Replaces every occurrence of <paramref name="pattern"/> (a literal string, or a regex when <paramref name="regex"/>
    /// is given); the replacement covers the span of what it replaced.
    /// </summary>
    public void Replace(string pattern, Regex? regex, string content)
    {
        string text = _text.ToString();
        var matches = new List<(int Index, int Length)>();
        if (regex is not null)
        {
            foreach (Match match in regex.Matches(text))
            {
                if (match.Length > 0)
                {
                    matches.Add((match.Index, match.Length));
                }
            }
        }
        else if (pattern.Length > 0)
        {
            for (int at = text.IndexOf(pattern, StringComparison.Ordinal); at >= 0; at = text.IndexOf(pattern, at + pattern.Length, StringComparison.Ordinal))
            {
                matches.Add((at, pattern.Length));
            }
        }

        if (matches.Count == 0)
        {
            return;
        }

        var result = new AlignedText(new StringBuilder(text.Length + 8), new List<int>(text.Length + 8), new List<int>(text.Length + 8));
        int i = 0;
        foreach ((int index, int length) in matches)
        {
            for (; i < index; i++)
            {
                result.Append(text[i].ToString(), _starts[i], _stops[i]);
            }

            result.Append(content, _starts[index], _stops[index + length - 1]);
            i = index + length;
        }

        for (; i < text.Length; i++)
        {
            result.Append(text[i].ToString(), _starts[i], _stops[i]);
        }

        Take(result);
    }

    /// <summary>Applies a Unicode normalization form one text element (grapheme) at a time, so spans stay per character.</summary>
    public void Normalize(NormalizationForm form)
    {
        string text = _text.ToString();
        if (text.IsNormalized(form))
        {
            return;
        }

        var enumerator = StringInfo.GetTextElementEnumerator(text);
        var result = new AlignedText(new StringBuilder(text.Length), new List<int>(text.Length), new List<int>(text.Length));
        while (enumerator.MoveNext())
        {
            string element = (string)enumerator.Current;
            int index = enumerator.ElementIndex;
            result.Append(element.Normalize(form), _starts[index], _stops[index + element.Length - 1]);
        }

        Take(result);
    }

    /// <summary>Lower-cases one text element at a time (invariant culture).</summary>
    public void ToLower()
    {
        string lower = _text.ToString().ToLowerInvariant();
        if (lower.Length == _text.Length)
        {
            _text.Clear().Append(lower);
        }
    }

    /// <summary>Drops leading and/or trailing white space.</summary>
    public void Strip(bool left, bool right)
    {
        int end = _text.Length;
        while (right && end > 0 && char.IsWhiteSpace(_text[end - 1]))
        {
            end--;
        }

        int begin = 0;
        while (left && begin < end && char.IsWhiteSpace(_text[begin]))
        {
            begin++;
        }

        _text.Remove(end, _text.Length - end).Remove(0, begin);
        _starts.RemoveRange(end, _starts.Count - end);
        _starts.RemoveRange(0, begin);
        _stops.RemoveRange(end, _stops.Count - end);
        _stops.RemoveRange(0, begin);
    }

    private void Append(string text, int start, int stop)
    {
        _text.Append(text);
        for (int i = 0; i < text.Length; i++)
        {
            _starts.Add(start);
            _stops.Add(stop);
        }
    }

    private void Take(AlignedText other)
    {
        _text.Clear().Append(other._text);
        _starts.Clear();
        _starts.AddRange(other._starts);
        _stops.Clear();
        _stops.AddRange(other._stops);
    }
}
