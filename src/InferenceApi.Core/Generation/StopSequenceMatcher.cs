using System.Text;

namespace InferenceApi.Core.Generation;

/// <summary>
/// Finds stop sequences in generated text as it streams in pieces from an incremental detokenizer, across token
/// boundaries. It holds back the longest tail that could still grow into a stop sequence, so no text of a stop
/// sequence is ever sent; like OpenAI, the output ends just before the stop sequence, which is not included.
/// One matcher per sequence; not thread-safe.
/// </summary>
public sealed class StopSequenceMatcher
{
    private readonly string[] _stops;
    private readonly StringBuilder _held = new();
    private string? _matched;

    public StopSequenceMatcher(IReadOnlyList<string> stopSequences)
    {
        ArgumentNullException.ThrowIfNull(stopSequences);
        foreach (var stop in stopSequences)
        {
            ArgumentException.ThrowIfNullOrEmpty(stop, nameof(stopSequences));
        }

        _stops = [.. stopSequences];
    }

    /// <summary>The text held back because it may be the start of a stop sequence.</summary>
    public string HeldBack => _held.ToString();

    /// <summary>Whether a stop sequence has completed; later pieces are ignored.</summary>
    public bool Stopped => _matched is not null;

    /// <summary>
    /// Adds the next piece of generated text. Returns the text that can be sent now and, when a stop sequence
    /// completed, which one: then the text is what came before it, and the generation should end.
    /// </summary>
    public StopSequenceResult Push(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        if (_matched is not null)
        {
            return new StopSequenceResult(string.Empty, _matched);
        }

        if (_stops.Length == 0)
        {
            return new StopSequenceResult(piece, null);
        }

        _held.Append(piece);
        var text = _held.ToString();

        // The earliest stop wins; at the same start, the shortest (it completed first).
        var stopAt = -1;
        string? stop = null;
        foreach (var candidate in _stops)
        {
            var at = text.IndexOf(candidate, StringComparison.Ordinal);
            if (at >= 0 && (stopAt < 0 || at < stopAt || (at == stopAt && candidate.Length < stop!.Length)))
            {
                stopAt = at;
                stop = candidate;
            }
        }

        if (stop is not null)
        {
            _matched = stop;
            _held.Clear();
            return new StopSequenceResult(text[..stopAt], stop);
        }

        var hold = LongestPartialMatch(text);
        _held.Clear();
        _held.Append(text, text.Length - hold, hold);
        return new StopSequenceResult(text[..^hold], null);
    }

    /// <summary>At the end of generation (EOS or length): releases the held-back text, which never became a stop.</summary>
    public string Flush()
    {
        var rest = _held.ToString();
        _held.Clear();
        return rest;
    }

    /// <summary>Length of the longest suffix of <paramref name="text"/> that is a proper prefix of some stop sequence.</summary>
    private int LongestPartialMatch(string text)
    {
        var longest = 0;
        foreach (var stop in _stops)
        {
            for (var length = Math.Min(stop.Length - 1, text.Length); length > longest; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }

        return longest;
    }
}
