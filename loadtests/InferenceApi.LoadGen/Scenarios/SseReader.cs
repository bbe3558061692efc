using System.Runtime.CompilerServices;
using System.Text;

namespace InferenceApi.LoadGen.Scenarios;

/// <summary>
/// A minimal text/event-stream reader: yields an event at each blank line as soon as it arrives, so the caller
/// can timestamp tokens. Comments (":...") and `id:`/`retry:` fields are ignored.
/// </summary>
public static class SseReader
{
    public static async IAsyncEnumerable<SseEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        string? name = null;
        var data = new StringBuilder();
        var hasData = false;
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (hasData)
                {
                    yield return new SseEvent(name, data.ToString());
                }

                name = null;
                data.Clear();
                hasData = false;
                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? string.Empty : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            if (field == "data")
            {
                if (hasData)
                {
                    data.Append('\n');
                }

                data.Append(value);
                hasData = true;
            }
            else if (field == "event")
            {
                name = value;
            }
        }

        // A stream that ends without the final blank line still delivers its last event.
        if (hasData)
        {
            yield return new SseEvent(name, data.ToString());
        }
    }
}
